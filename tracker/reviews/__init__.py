"""Forum meetings' agendas, and the forum's reviews of the actions on them."""
