from governance.access import may_steer, roles_of
from governance.roles import Role


def roles(request):
    """What the navigation needs to know about the signed-in user's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_role_labels": [], "is_technician": False, "steers": False}
    user_roles = roles_of(user)
    return {
        "user_role_labels": [role.label for role in sorted(user_roles)],
        "is_technician": Role.TECHNICIAN in user_roles,
        "steers": may_steer(user),
    }
