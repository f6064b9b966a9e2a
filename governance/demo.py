"""Demo data of the governance app: the city's organisation and the demo users."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from governance import plis_demo
from governance.models import Area
from governance.roles import Role

DEMO_PASSWORD = "demo"

# username, first name, role, technician of area number
DEMO_USERS = [
    ("tecnic", "Tècnica de l'Àrea 3", Role.TECHNICIAN, 3),
    ("tecnic2", "Tècnic de l'Àrea 1", Role.TECHNICIAN, 1),
    ("director", "Direcció", Role.DIRECTOR, None),
    ("publicacio", "Equip de publicació", Role.PUBLICATION_STAFF, None),
    ("admin", "Administració", Role.ADMINISTRATOR, None),
]


def load(*, scale, stdout, factor=1):
    call_command("loaddata", "organisation", verbosity=0)
    User = get_user_model()
    for username, first_name, role, area_number in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name = first_name
        # The console e-mail backend prints the round reminders sent to these addresses.
        user.email = f"{username}@demo.terrassa.cat"
        user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([role.group()])
        if area_number is not None:
            user.technician_areas.set([Area.objects.get(number=area_number)])
    stdout.write(
        f"governance: {Area.objects.count()} àrees, {len(DEMO_USERS)} usuaris de demostració."
    )
    # After the users, so that the demo technician can sit in the transversal commission.
    plis_demo.load(scale=scale, stdout=stdout, factor=factor)
