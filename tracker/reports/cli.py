"""Word document commands, added to the `flask plan ...` group."""
from tracker.plans.cli import plan_cli  # noqa: F401  (commands are added to this group)
