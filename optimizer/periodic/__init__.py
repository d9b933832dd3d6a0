"""The week: visiting days, accumulation and daily routes over a repeating horizon."""
