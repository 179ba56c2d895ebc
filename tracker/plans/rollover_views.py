"""Rolling an approved plan over to next year's draft."""
