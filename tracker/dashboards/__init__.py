"""My actions, the plan overview and the filtered action list."""
