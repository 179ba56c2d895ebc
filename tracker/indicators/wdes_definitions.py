"""What each WDES metric measures, in the words of the definition (pure).

From NHS England, "NHS WDES 2023: metrics" ("Summary of metrics") and "NHS WDES 2023: technical
guidance" (see the docstring of `tracker.indicators.wdes` for how each is calculated).
"""
from __future__ import annotations

DEFINITIONS: dict[str, str] = {
    "1": ("Percentage of staff in Agenda for Change pay bands or medical and dental subgroups and very senior "
          "managers (including executive board members) compared with the percentage of staff in the overall "
          "workforce, calculated separately for non-clinical and clinical staff; bank staff are excluded"),
    "2": ("Relative likelihood of non-disabled staff compared to Disabled staff being appointed from shortlisting "
          "across all posts"),
    "3": ("Relative likelihood of Disabled staff compared to non-disabled staff entering the formal capability "
          "process, as measured by entry into the formal capability procedure on the grounds of performance "
          "(not ill health), on a two-year rolling average"),
    "4a_i": ("Percentage of Disabled staff compared to non-disabled staff experiencing harassment, bullying or "
             "abuse from patients, service users, their relatives or other members of the public"),
    "4a_ii": ("Percentage of Disabled staff compared to non-disabled staff experiencing harassment, bullying or "
              "abuse from managers"),
    "4a_iii": ("Percentage of Disabled staff compared to non-disabled staff experiencing harassment, bullying or "
               "abuse from other colleagues"),
    "4b": ("Percentage of Disabled staff compared to non-disabled staff saying that the last time they experienced "
           "harassment, bullying or abuse at work, they or a colleague reported it"),
    "5": ("Percentage of Disabled staff compared to non-disabled staff who believe that their organisation "
          "provides equal opportunities for career progression or promotion"),
    "6": ("Percentage of Disabled staff compared to non-disabled staff who have felt pressure from their manager "
          "to come to work, despite not feeling well enough to perform their duties"),
    "7": ("Percentage of Disabled staff compared to non-disabled staff saying that they are satisfied with the "
          "extent to which their organisation values their work"),
    "8": "Percentage of Disabled staff saying that their employer has made adequate adjustment(s) to enable them to carry out their work",
    "9a": "The staff engagement score (0 to 10) for Disabled staff, compared to non-disabled staff and the overall engagement score for the organisation",
    "9b": "Has the organisation taken action to facilitate the voices of Disabled staff in the organisation to be heard? (yes or no, with examples)",
    "10": ("Percentage difference between the organisation's board voting membership and its overall workforce, "
           "disaggregated by voting membership of the board and by executive membership of the board"),
}
