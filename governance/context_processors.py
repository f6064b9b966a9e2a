from governance.access import roles_of


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_role_labels": []}
    return {"user_role_labels": [role.label for role in sorted(roles_of(user))]}
