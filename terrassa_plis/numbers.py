"""Numbers as people type them back."""

from decimal import Decimal


def plain_decimal(value: Decimal | None) -> Decimal | None:
    """144.00 → 144 and 12.50 → 12.5, so an opened form shows «144» and «12,5», not
    «144,00», and a value saved unchanged compares equal to what was typed."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()
