"""`flask wdes import` and `flask wdes show`: exit codes, what is printed, the JSON shape."""
from __future__ import annotations

import json

import pytest

from tests.indicators.wdes_packs import pack
from tracker.indicators import wdes_service
from tracker.indicators.wdes import METRICS, compute_wdes
from tracker.indicators.wdes_pack import read_wdes_datapack
from tracker.indicators.wdes_show import metrics_dict


@pytest.fixture
def pack_folder(tmp_path):
    for name, data in pack().items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_import_prints_what_was_read_and_the_headline_figures(runner, pack_folder):
    result = runner.invoke(args=["wdes", "import", str(pack_folder), "--year", "2025"])
    assert result.exit_code == 0, result.output
    assert "workforce.xlsx (workforce by disability, row-level): 42 rows; Disabled 5, Non-disabled 30, " \
           "Not declared 7" in result.output
    assert "workforce: Disabled 5, non-disabled 30, not declared 7" in result.output
    assert "  1 Disabled: 11.90%" in result.output
    assert "  2 relative likelihood: 1.25 (95% CI" in result.output
    assert "  10 voting members: -11.90 points" in result.output
    assert wdes_service.stored_year(2025).source == "computed"


def test_a_bad_pack_exits_non_zero_with_the_problems_on_stderr_and_stores_nothing(runner, pack_folder):
    (pack_folder / "survey.csv").write_bytes(b"metric,group,percent\n5,Disabled,abc\n5,Maybe,20\n")
    result = runner.invoke(args=["wdes", "import", str(pack_folder), "--year", "2025"])
    assert result.exit_code == 1
    assert "survey.csv, row 2, column 'percent': 'abc' is not a percentage from 0 to 100" in result.stderr
    assert "survey.csv, row 3, column 'group': group 'Maybe' is not recognised" in result.stderr
    assert "Nothing has been stored." in result.stderr
    assert wdes_service.stored_year(2025) is None


def test_show_json_gives_every_metric_unrounded_with_reasons_for_nulls(runner, pack_folder):
    runner.invoke(args=["wdes", "import", str(pack_folder), "--year", "2025"])
    result = runner.invoke(args=["wdes", "show", "--year", "2025", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["year"] == 2025 and data["source"] == "computed"
    assert list(data["metrics"]) == list(METRICS)
    assert data["metrics"]["1"]["disabled"] == 100 * 5 / 42
    assert data["metrics"]["2"]["value"] == 1.25
    assert data["metrics"]["4b"]["disabled"] is None and data["metrics"]["4b"]["reason"]
    assert data["metrics"]["9b"]["answer"] is None and data["metrics"]["9b"]["reason"]
    expected = metrics_dict(compute_wdes(read_wdes_datapack(pack(), year=2025).inputs()))
    for key, entry in expected["metrics"].items():
        assert {k: data["metrics"][key][k] for k in entry if k != "reason"} == \
            {k: v for k, v in entry.items() if k != "reason"}


def test_show_without_json_prints_a_readable_table(runner, pack_folder):
    runner.invoke(args=["wdes", "import", str(pack_folder), "--year", "2025"])
    result = runner.invoke(args=["wdes", "show", "--year", "2025"])
    assert result.exit_code == 0
    assert "WDES 2025 (computed):" in result.output
    assert "  1: Disabled 11.90%, non-disabled 71.43%, not declared 16.67%, declaration rate 83.33%" in result.output
    assert "  9b: not answered (metric 9b has not been answered)" in result.output


def test_show_for_a_year_not_stored_exits_non_zero(runner):
    result = runner.invoke(args=["wdes", "show", "--year", "2019", "--json"])
    assert result.exit_code != 0
    assert "No WDES results are stored for 2019" in result.output


def test_import_reads_a_zip_of_the_pack_and_refuses_a_missing_folder(runner, pack_folder, tmp_path_factory):
    import zipfile
    archive = tmp_path_factory.mktemp("zipped") / "wdes-2025.zip"
    with zipfile.ZipFile(archive, "w") as package:
        for path in sorted(pack_folder.iterdir()):
            package.write(path, path.name)
    result = runner.invoke(args=["wdes", "import", str(archive), "--year", "2025"])
    assert result.exit_code == 0, result.output
    assert "recruitment.csv (recruitment, aggregate): 3 rows" in result.output
    missing = runner.invoke(args=["wdes", "import", str(pack_folder / "nowhere"), "--year", "2024"])
    assert missing.exit_code == 1
    assert "this folder does not exist" in missing.stderr
    assert wdes_service.stored_year(2024) is None
