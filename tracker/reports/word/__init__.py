"""Word (.docx) exports built from the plain data in ``tracker.reports.documents``."""
from tracker.reports.word.appendices import build_appendix1, build_appendix2
from tracker.reports.word.indicators import build_indicator_summary
from tracker.reports.word.pack import build_board_pack
from tracker.reports.word.page import to_bytes
from tracker.reports.word.wdes import build_wdes_summary

__all__ = [
    "build_appendix1",
    "build_appendix2",
    "build_board_pack",
    "build_indicator_summary",
    "build_wdes_summary",
    "to_bytes",
]
