"""Money as integer minor units plus an ISO 4217 currency code."""

from __future__ import annotations

from dataclasses import dataclass

# Minor-unit exponents for the currencies we accept; everything else is refused.
CURRENCY_EXPONENTS: dict[str, int] = {
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "CAD": 2,
    "AUD": 2,
    "CHF": 2,
    "JPY": 0,
}
CURRENCY_CHOICES = [(code, code) for code in CURRENCY_EXPONENTS]

# The largest amount Stint takes anywhere (a fee, an offer, a milestone, a payout):
# 1,000,000.00 in two-decimal currencies (100,000,000 JPY). Far above any
# micro-internship, far below what any database integer or provider holds, so an
# absurd number is refused with 422 instead of overflowing later (SECURITY.md).
MAX_AMOUNT_MINOR = 100_000_000


def amount_refusal(minor: int, currency: str) -> str | None:
    """Why `minor` is not an amount Stint accepts (None: it is)."""
    if minor > MAX_AMOUNT_MINOR:
        shown = Money(MAX_AMOUNT_MINOR, currency if currency in CURRENCY_EXPONENTS else "USD")
        return f"Amounts are at most {shown.format()}."
    return None


def hourly_floor_minor(currency: str) -> int:
    """The lowest fee per estimated hour in `currency`'s minor units
    (settings.STINT_MIN_HOURLY_RATES, one figure per currency: 20.00 in a
    two-decimal currency and 2,000 JPY are not the same number of minor units)."""
    from django.conf import settings

    rates: dict[str, int] = settings.STINT_MIN_HOURLY_RATES
    return int(rates.get(currency.upper(), rates.get("default", 0)))


@dataclass(frozen=True, slots=True)
class NumberStyle:
    """How one language writes an amount of money (after CLDR's patterns for the
    language's main region). `symbols` overrides the ISO code per currency."""

    decimal: str
    group: str
    symbol_first: bool  # "$1,234.56" (en) or "1.234,56 US$" (es)
    symbols: dict[str, str]


_NBSP = "\u00a0"  # between an amount and its symbol, so a line never breaks there
NUMBER_STYLES: dict[str, NumberStyle] = {
    "en": NumberStyle(
        ".",
        ",",
        symbol_first=True,
        symbols={"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "JPY": "¥"},
    ),
    "es": NumberStyle(
        ",",
        ".",
        symbol_first=False,
        symbols={"USD": "US$", "EUR": "€", "CAD": "CA$"},
    ),
}


def format_money(money: Money, language: str | None = None) -> str:
    """`money` as a reader of `language` (default: the active one) writes it: the one
    formatter for pages. Stored text, PDFs and the API keep `Money.format()` ("1,234.56
    USD"), which never depends on who asked. Zero-decimal currencies (JPY) show none."""
    if language is None:
        from django.utils.translation import get_language

        language = get_language() or "en"
    style = NUMBER_STYLES.get(language.split("-")[0].lower(), NUMBER_STYLES["en"])
    exp = CURRENCY_EXPONENTS[money.currency]
    major, minor = divmod(abs(money.amount), 10**exp)
    number = f"{major:,}".replace(",", style.group)
    if exp:
        number += f"{style.decimal}{minor:0{exp}d}"
    symbol = style.symbols.get(money.currency, money.currency)
    sign = "-" if money.amount < 0 else ""
    if not style.symbol_first:
        return f"{sign}{number}{_NBSP}{symbol}"
    # A symbol made of letters ("CHF") is kept apart from the digits, as CLDR does.
    gap = _NBSP if symbol[-1].isalpha() else ""
    return f"{sign}{symbol}{gap}{number}"


class CurrencyMismatch(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Money:
    amount: int  # minor units (cents)
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError("Money.amount must be an int of minor units")
        if self.currency not in CURRENCY_EXPONENTS:
            raise ValueError(f"Unsupported currency {self.currency!r}")

    def _check(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"Cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.amount <= other.amount

    def split(self, basis_points: int) -> tuple[Money, Money]:
        """Split into (share, rest) where share is basis_points/10000, rounded down."""
        if not 0 <= basis_points <= 10_000:
            raise ValueError("basis_points must be within 0..10000")
        share = self.amount * basis_points // 10_000
        return Money(share, self.currency), Money(self.amount - share, self.currency)

    def format(self) -> str:
        exp = CURRENCY_EXPONENTS[self.currency]
        sign = "-" if self.amount < 0 else ""
        value = abs(self.amount)
        if exp == 0:
            return f"{sign}{value:,} {self.currency}"
        major, minor = divmod(value, 10**exp)
        return f"{sign}{major:,}.{minor:0{exp}d} {self.currency}"

    def localized(self, language: str | None = None) -> str:
        """For a page: see `format_money`."""
        return format_money(self, language)

    def __str__(self) -> str:
        return self.format()
