# The city's data is written the Catalan way whatever the interface language, so that
# figures typed or imported read the same: 1.234,5 and 30/06/2019.
from terrassa_plis.formats.ca.formats import *  # noqa: F403
