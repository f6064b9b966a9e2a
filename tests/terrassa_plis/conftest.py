from tests.commitments.conftest import seed_plan  # noqa: F401
