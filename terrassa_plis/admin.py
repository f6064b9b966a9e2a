"""What every app's admin shares: records shown, never edited there."""


class RecordedOnThePagesAdmin:
    """Listed and shown in the admin, but added and changed only through the app's own
    forms and operations, which check what the admin's plain model forms would skip
    (the version that detects a concurrent edit, the history, the domain's rules)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(RecordedOnThePagesAdmin):
    """Not even deleted here: frozen records, or what only an operation may remove."""

    def has_delete_permission(self, request, obj=None):
        return False
