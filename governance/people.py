"""How the app names the people who use it."""


def display_name(user) -> str:
    """The user's full name, or their username when they gave none; "" for no user.

    Every page that says who saved something names people the same way.
    """
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
