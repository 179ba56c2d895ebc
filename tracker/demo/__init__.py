"""The demo data: the real published 2024-25 plan and 2023-24 progress."""
