"""Tests for engage.progress: the learner's saved progress file."""

from __future__ import annotations

import json
import multiprocessing
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

import engage.progress as progress_mod
from engage.profiles import PROFILE_IDS
from engage.progress import (
    APP_MARKER,
    MAX_IMPORT_BYTES,
    MIGRATIONS,
    SCHEMA_VERSION,
    ModuleProgress,
    Progress,
    ProgressError,
    ProgressStore,
    default_progress_path,
)

MODULE = "01-turning-outward"


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress.json")


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def envelope(body: dict, *, version: int = SCHEMA_VERSION, app: str = APP_MARKER) -> bytes:
    return json.dumps(
        {
            "app": app,
            "schema_version": version,
            "exported_at": "2026-11-30T12:00:00Z",
            "progress": {"schema_version": version, **body},
        }
    ).encode("utf-8")


def _hammer(path: str, prefix: str, count: int, barrier: object) -> None:
    """Child process: start together with the other child, then update many times."""
    store = ProgressStore(Path(path))
    barrier.wait()  # type: ignore[attr-defined]
    for i in range(count):
        store.mark_completed(f"{prefix}-{i:02d}")


# --------------------------------------------------------------------------- basics


def test_fresh_load_is_empty_and_writes_nothing(store: ProgressStore) -> None:
    """Does loading with no saved file give empty progress without creating the file?"""
    progress = store.load()

    assert progress.schema_version == SCHEMA_VERSION
    assert progress.learner_name == ""
    assert progress.profile is None
    assert progress.modules == {}
    assert progress.reflections == {}
    assert store.notices == []
    assert not store.path.exists()


def test_round_trip_through_a_new_store(store: ProgressStore) -> None:
    """Does what one store saves come back identically through another store on the file?"""
    store.set_learner_name("Ada Lovelace")
    store.set_profile("academic")
    store.mark_started("02-engagement-streams")
    store.mark_completed(MODULE)
    store.put_item("reflections", "r1", {"text": "Turning outward means listening."})
    saved = store.load()

    reloaded = ProgressStore(store.path).load()

    assert reloaded == saved
    assert reloaded.learner_name == "Ada Lovelace"
    assert reloaded.profile == "academic"
    assert reloaded.reflections["r1"]["text"] == "Turning outward means listening."
    assert dt(reloaded.reflections["r1"]["updated_at"]) <= reloaded.updated_at
    assert reloaded.is_completed(MODULE)
    assert not reloaded.is_completed("02-engagement-streams")
    assert reloaded.modules["02-engagement-streams"].started_at is not None
    on_disk = json.loads(store.path.read_text(encoding="utf-8"))
    assert on_disk["schema_version"] == SCHEMA_VERSION
    assert on_disk["modules"][MODULE]["completed_at"] is not None


def test_is_completed_reflects_the_file(store: ProgressStore) -> None:
    """Does is_completed change only once a module is marked complete?"""
    store.mark_started(MODULE)
    assert store.is_completed(MODULE) is False
    store.mark_completed(MODULE)
    assert store.is_completed(MODULE) is True
    assert store.is_completed("99-unknown") is False


def test_first_completion_time_is_kept(store: ProgressStore) -> None:
    """Does marking a module complete twice keep the first completion time?"""
    first = store.mark_completed(MODULE).modules[MODULE]
    second = store.mark_completed(MODULE).modules[MODULE]
    again = store.mark_started(MODULE).modules[MODULE]

    assert second.completed_at == first.completed_at
    assert again.started_at == first.started_at
    assert again.completed_at == first.completed_at
    assert again.updated_at > first.updated_at


def test_learner_name_is_cleaned(store: ProgressStore) -> None:
    """Are control characters and surplus whitespace removed from the learner's name?"""
    saved = store.set_learner_name("  Ada\x07\x00 \n\tLovelace \u200b ")

    assert saved.learner_name == "Ada Lovelace \u200b"
    assert store.load().learner_name == "Ada Lovelace \u200b"


def test_too_long_name_is_refused_and_nothing_changes(store: ProgressStore) -> None:
    """Is a name over 200 characters refused, leaving the saved name as it was?"""
    store.set_learner_name("  " + "x" * 200 + "  ")  # exactly 200 once stripped is fine
    assert len(store.load().learner_name) == 200
    before = store.path.read_bytes()
    with pytest.raises(ProgressError, match="201 characters"):
        store.set_learner_name("y" * 201)

    assert store.path.read_bytes() == before


def test_name_too_long_set_inside_update_is_not_saved(store: ProgressStore) -> None:
    """Does update refuse to save an invalid value set directly on the model?"""
    store.set_learner_name("Ada")
    before = store.path.read_bytes()

    def bad(progress: Progress) -> None:
        progress.learner_name = "z" * 300

    with pytest.raises(ProgressError, match="learner_name"):
        store.update(bad)
    assert store.path.read_bytes() == before


def test_unknown_profile_is_refused(store: ProgressStore) -> None:
    """Is a profile that is not one of the three library profiles refused by name?"""
    with pytest.raises(ProgressError) as info:
        store.set_profile("school")  # type: ignore[arg-type]

    assert "'school'" in str(info.value)
    for profile in PROFILE_IDS:
        assert profile in str(info.value)
    assert not store.path.exists()


def test_empty_module_id_is_refused(store: ProgressStore) -> None:
    """Is an empty module id refused with a message instead of being stored?"""
    with pytest.raises(ProgressError, match="must not be empty"):
        store.mark_completed("  ")
    assert not store.path.exists()


# --------------------------------------------------------------------------- atomic writes


def test_writes_leave_no_temporary_files(store: ProgressStore) -> None:
    """Do repeated saves leave only progress.json and its lock file in the folder?"""
    for i in range(5):
        store.mark_completed(f"{i:02d}-module")
        store.put_item("quizzes", f"q{i}", {"answers": [i]})

    assert names(store.path.parent) == {"progress.json", "progress.json.lock"}
    assert len(store.load().modules) == 5


def test_failed_replace_keeps_old_file_and_cleans_up(
    store: ProgressStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the final rename fails, is the old file intact and the temp file removed?"""
    store.set_learner_name("Ada")
    before = store.path.read_bytes()

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(progress_mod.os, "replace", refuse)
    with pytest.raises(ProgressError, match="No space left on device"):
        store.set_learner_name("Bea")
    monkeypatch.undo()

    assert store.path.read_bytes() == before
    assert names(store.path.parent) == {"progress.json", "progress.json.lock"}


def test_exception_in_update_saves_nothing(store: ProgressStore) -> None:
    """When the change function raises, is its partial change discarded?"""
    store.set_learner_name("Ada")
    before = store.path.read_bytes()

    def half_done(progress: Progress) -> None:
        progress.learner_name = "Changed"
        raise RuntimeError("widget broke")

    with pytest.raises(RuntimeError, match="widget broke"):
        store.update(half_done)
    assert store.path.read_bytes() == before
    assert store.load().learner_name == "Ada"


def test_unserialisable_payload_is_refused(store: ProgressStore) -> None:
    """Is data that cannot become JSON refused before anything is written?"""
    store.set_learner_name("Ada")
    before = store.path.read_bytes()

    with pytest.raises(ProgressError, match="cannot be stored as JSON"):
        store.put_item("scenarios", "s1", {"state": object()})
    assert store.path.read_bytes() == before


def test_two_processes_lose_no_update(tmp_path: Path) -> None:
    """Do two kernels each saving 30 updates at once end with all 60 modules recorded?"""
    path = tmp_path / "progress.json"
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    workers = [
        ctx.Process(target=_hammer, args=(str(path), prefix, 30, barrier))
        for prefix in ("alpha", "beta")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0, 0]

    progress = ProgressStore(path).load()
    expected = {f"{p}-{i:02d}" for p in ("alpha", "beta") for i in range(30)}
    assert set(progress.modules) == expected
    assert all(progress.is_completed(m) for m in expected)
    assert not [n for n in names(tmp_path) if n.endswith(".tmp")]


# --------------------------------------------------------------------------- bad files


def test_corrupt_json_is_kept_aside_with_line_info(store: ProgressStore) -> None:
    """Does a corrupt file get kept aside byte for byte, with a notice naming the line?"""
    broken = b'{\n  "schema_version": 1,\n  "learner_name": "Ada",,\n}\n'
    store.path.write_bytes(broken)

    progress = store.load()

    assert progress.learner_name == ""
    asides = list(store.path.parent.glob("progress.json.corrupt-*"))
    assert len(asides) == 1
    assert asides[0].read_bytes() == broken
    assert not store.path.exists()
    assert len(store.notices) == 1
    notice = store.notices[0]
    assert "not valid JSON" in notice
    assert "line 3, column 25" in notice
    assert str(asides[0]) in notice
    assert "Traceback" not in notice


def test_aside_files_are_never_clobbered(
    store: ProgressStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If an aside file of the same name exists already, is a new name used instead?"""
    frozen = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)
    monkeypatch.setattr(progress_mod, "_now", lambda: frozen)
    existing = store.path.with_name("progress.json.corrupt-20261130T120000Z")
    existing.write_bytes(b"an earlier corrupt file")

    store.path.write_bytes(b"first broken {")
    store.load()
    store.path.write_bytes(b"second broken {")
    store.load()

    assert existing.read_bytes() == b"an earlier corrupt file"
    assert store.path.with_name(existing.name + "-2").read_bytes() == b"first broken {"
    assert store.path.with_name(existing.name + "-3").read_bytes() == b"second broken {"
    assert len(store.notices) == 2


def test_non_utf8_file_is_kept_aside(store: ProgressStore) -> None:
    """Is a file that is not UTF-8 kept aside with a notice saying so?"""
    latin1 = '{"schema_version": 1, "learner_name": "Zoë"}'.encode("latin-1")
    store.path.write_bytes(latin1)

    assert store.load().learner_name == ""

    (aside,) = store.path.parent.glob("progress.json.corrupt-*")
    assert aside.read_bytes() == latin1
    assert "not UTF-8" in store.notices[0]


def test_file_with_bom_is_read(store: ProgressStore) -> None:
    """Is a progress file saved with a UTF-8 byte-order mark read normally?"""
    body = {"schema_version": 1, "learner_name": "Zoë"}
    store.path.write_bytes(b"\xef\xbb\xbf" + json.dumps(body).encode("utf-8"))

    assert store.load().learner_name == "Zoë"
    assert store.notices == []


def test_newer_version_is_kept_aside_and_never_overwritten(store: ProgressStore) -> None:
    """Is a file from a newer course version kept aside untouched while work continues?"""
    newer = json.dumps({"schema_version": 2, "learner_name": "Future", "badges": []}).encode()
    store.path.write_bytes(newer)

    fresh = store.load()
    store.set_learner_name("Ada")
    store.mark_completed(MODULE)

    assert fresh.learner_name == ""
    (aside,) = store.path.parent.glob("progress.json.newer-v2-*")
    assert aside.read_bytes() == newer
    assert "newer version of the course" in store.notices[0]
    assert "format version 2" in store.notices[0]
    assert str(aside) in store.notices[0]
    assert json.loads(store.path.read_bytes())["learner_name"] == "Ada"
    assert len(store.notices) == 1  # the new file is read normally afterwards


def test_validation_error_names_key_path(store: ProgressStore) -> None:
    """Does a file that fails validation get a notice naming the exact key path?"""
    body = {
        "schema_version": 1,
        "modules": {MODULE: {"completed_at": "last Tuesday", "updated_at": "2026-03-01T00:00"}},
    }
    store.path.write_text(json.dumps(body), encoding="utf-8")

    assert store.load().modules == {}
    assert f"modules.{MODULE}.completed_at: invalid datetime" in store.notices[0]
    assert list(store.path.parent.glob("progress.json.corrupt-*"))


def test_unknown_field_in_file_is_named(store: ProgressStore) -> None:
    """Is an unexpected top-level key named in the notice rather than silently dropped?"""
    store.path.write_text('{"schema_version": 1, "favourite_colour": "teal"}', encoding="utf-8")

    store.load()

    assert "favourite_colour: unknown field" in store.notices[0]


# --------------------------------------------------------------------------- location


def test_env_var_overrides_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Does ENGAGE_DATA_DIR decide where a default store keeps progress.json?"""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("ENGAGE_DATA_DIR", str(tmp_path / "course-data"))

    store = ProgressStore()
    store.set_learner_name("Ada")

    assert default_progress_path() == tmp_path / "course-data" / "progress.json"
    assert store.path == tmp_path / "course-data" / "progress.json"
    assert store.path.is_file()
    assert not (tmp_path / "xdg").exists()


def test_xdg_data_home_then_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ENGAGE_DATA_DIR, is XDG_DATA_HOME used, and otherwise ~/.local/share?"""
    monkeypatch.delenv("ENGAGE_DATA_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_progress_path() == tmp_path / "xdg" / "models-for-change" / "progress.json"

    monkeypatch.setenv("XDG_DATA_HOME", "relative/path")  # the XDG spec says ignore it
    home_default = tmp_path / "home" / ".local" / "share" / "models-for-change" / "progress.json"
    assert default_progress_path() == home_default

    monkeypatch.delenv("XDG_DATA_HOME")
    assert default_progress_path() == home_default


# --------------------------------------------------------------------------- export / import


def test_export_has_envelope_and_dated_name(store: ProgressStore) -> None:
    """Does the export carry the app marker, version and time, under a dated file name?"""
    store.set_learner_name("Ada")
    before = datetime.now(UTC).date()

    data = json.loads(store.export_bytes().decode("utf-8"))
    name = store.export_filename()

    after = datetime.now(UTC).date()
    assert data["app"] == "models-for-change"
    assert data["schema_version"] == SCHEMA_VERSION
    assert dt(data["exported_at"]).date() in {before, after}
    assert data["progress"]["learner_name"] == "Ada"
    assert name in {f"models-for-change-progress-{d.isoformat()}.json" for d in (before, after)}


def test_export_import_round_trip_into_empty_store(tmp_path: Path) -> None:
    """Does importing an export into an empty store restore everything it held?"""
    source = ProgressStore(tmp_path / "a" / "progress.json")
    source.set_learner_name("Ada")
    source.set_profile("small-mid-rural")
    source.mark_completed(MODULE)
    source.mark_started("02-engagement-streams")
    source.put_item("reflections", "r1", {"text": "Draft one"})
    source.put_item("scenarios", "s1", {"node": "n3", "score": 2})
    exported = source.load()
    target = ProgressStore(tmp_path / "b" / "progress.json")

    result = target.import_bytes(source.export_bytes(), "models-for-change-progress.json")

    restored = target.load()
    assert restored.learner_name == "Ada"
    assert restored.profile == "small-mid-rural"
    assert restored.modules == exported.modules
    assert restored.reflections == exported.reflections
    assert restored.scenarios == exported.scenarios
    assert restored.created_at == exported.created_at
    assert result.progress == restored
    assert result.backup_path is None  # there was nothing to back up
    assert any("Name set to" in line for line in result.summary)
    assert any("Added 2 modules" in line for line in result.summary)


def test_merge_keeps_newer_drafts_and_union_of_completions(store: ProgressStore) -> None:
    """Does an import keep the newer of two drafts and the union of completed modules?"""

    def seed(progress: Progress) -> None:
        progress.learner_name = "Ada"
        progress.profile = "academic"
        progress.modules[MODULE] = ModuleProgress(
            started_at=dt("2026-03-02T09:00:00Z"),
            completed_at=dt("2026-03-05T09:00:00Z"),
            updated_at=dt("2026-03-05T09:00:00Z"),
        )
        progress.modules["02-engagement-streams"] = ModuleProgress(
            started_at=dt("2026-03-03T09:00:00Z"), updated_at=dt("2026-03-03T09:00:00Z")
        )
        progress.reflections["r1"] = {"text": "mine, newer", "updated_at": "2026-03-10T00:00:00Z"}
        progress.reflections["r2"] = {"text": "mine, older", "updated_at": "2026-03-01T00:00:00Z"}
        # 12:00Z is later than 12:30+01:00 (11:30Z), though its wall-clock text is smaller.
        progress.reflections["r3"] = {"text": "mine, newer", "updated_at": "2026-03-01T12:00:00Z"}
        progress.quizzes["q-local"] = {"answers": ["b"], "updated_at": "2026-03-04T00:00:00Z"}

    store.update(seed)
    before = store.path.read_bytes()
    incoming = envelope(
        {
            "learner_name": "Bea",
            "profile": "large-urban",
            "modules": {
                MODULE: {
                    "started_at": "2026-03-01T09:00:00Z",
                    "completed_at": "2026-03-04T09:00:00Z",
                    "updated_at": "2026-03-04T09:00:00Z",
                },
                "02-engagement-streams": {
                    "started_at": "2026-03-06T09:00:00Z",
                    "completed_at": "2026-03-06T10:00:00Z",
                    "updated_at": "2026-03-06T10:00:00Z",
                },
                "03-world-cafe": {
                    "started_at": "2026-03-07T09:00:00Z",
                    "completed_at": "2026-03-07T10:00:00Z",
                    "updated_at": "2026-03-07T10:00:00Z",
                },
            },
            "reflections": {
                "r1": {"text": "theirs, older", "updated_at": "2026-03-09T00:00:00Z"},
                "r2": {"text": "theirs, newer", "updated_at": "2026-03-02T00:00:00Z"},
                "r3": {"text": "theirs, older", "updated_at": "2026-03-01T12:30:00+01:00"},
                "r4": {"text": "only theirs", "updated_at": "2026-03-02T00:00:00Z"},
            },
        }
    )

    result = store.import_bytes(incoming, "laptop.json")

    merged = store.load()
    assert merged.learner_name == "Ada"
    assert merged.profile == "academic"
    assert merged.modules[MODULE].started_at == dt("2026-03-01T09:00:00Z")
    assert merged.modules[MODULE].completed_at == dt("2026-03-04T09:00:00Z")
    assert merged.modules["02-engagement-streams"].started_at == dt("2026-03-03T09:00:00Z")
    assert merged.is_completed("02-engagement-streams")
    assert merged.is_completed("03-world-cafe")
    texts = {key: item["text"] for key, item in merged.reflections.items()}
    assert texts == {
        "r1": "mine, newer",
        "r2": "theirs, newer",
        "r3": "mine, newer",
        "r4": "only theirs",
    }
    assert merged.quizzes["q-local"]["answers"] == ["b"]
    assert result.backup_path is not None
    assert result.backup_path.name.startswith("progress.json.before-import-")
    assert result.backup_path.read_bytes() == before
    summary = "\n".join(result.summary)
    assert "Kept your current name “Ada”" in summary
    assert "Kept your current library profile academic" in summary
    assert "Added 1 module from the file" in summary
    assert "2 modules newly marked complete" in summary
    assert "Added 1 reflection" in summary
    assert "Took the file's newer version of 1 reflection" in summary
    assert "Kept your newer version of 2 reflections" in summary


def _bad_field() -> bytes:
    body = {"modules": {MODULE: {"completed_at": "yesterday", "updated_at": "2026-03-01T00:00Z"}}}
    return envelope(body)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"{not json", "not valid JSON (line 1, column 2", id="not-json"),
        pytest.param(b"\xff\xfe{}", "not UTF-8 text", id="not-utf8"),
        pytest.param(
            envelope({}, app="some-other-course"),
            "not a Models for Change progress file",
            id="wrong-app",
        ),
        pytest.param(
            json.dumps({"schema_version": 1, "learner_name": "Ada"}).encode(),
            "not a Models for Change progress file",
            id="raw-progress-without-envelope",
        ),
        pytest.param(
            envelope({}, version=SCHEMA_VERSION + 1),
            f"newer version of the course (format version {SCHEMA_VERSION + 1}",
            id="newer-version",
        ),
        pytest.param(
            b" " * (MAX_IMPORT_BYTES + 1), "too large (2.0 MB; progress files are at most 2 MB)"
        ),
        pytest.param(
            _bad_field(), f"modules.{MODULE}.completed_at: invalid datetime", id="bad-field"
        ),
        pytest.param(
            envelope({"favourite_colour": "teal"}), "favourite_colour: unknown field", id="extra"
        ),
    ],
)
def test_import_refusals(store: ProgressStore, data: bytes, expected: str) -> None:
    """Is each kind of bad upload refused with a message naming the file and the problem?"""
    store.set_learner_name("Ada")
    before = store.path.read_bytes()

    with pytest.raises(ProgressError) as info:
        store.import_bytes(data, "notes.json")

    message = str(info.value)
    assert message.startswith("notes.json: ")
    assert expected in message
    assert store.path.read_bytes() == before
    assert names(store.path.parent) == {"progress.json", "progress.json.lock"}


def test_import_tolerates_bom_and_memoryview(store: ProgressStore) -> None:
    """Is an upload with a byte-order mark, handed over as a memoryview, accepted?"""
    data = b"\xef\xbb\xbf" + envelope({"learner_name": "Zoë"})

    store.import_bytes(memoryview(data), "progress.json")

    assert store.load().learner_name == "Zoë"


# --------------------------------------------------------------------------- migrations


def _v0_to_v1(data: dict) -> dict:
    """A pretend upgrade: version 0 called the learner's name ``name``."""
    data["learner_name"] = data.pop("name")
    return data


def test_migration_is_applied_on_load(
    store: ProgressStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Is a registered migration run on an old file, with the old file kept as a copy?"""
    monkeypatch.setitem(MIGRATIONS, 0, _v0_to_v1)
    old = json.dumps({"schema_version": 0, "name": "Ada"}).encode()
    store.path.write_bytes(old)

    progress = store.load()

    assert progress.learner_name == "Ada"
    assert progress.schema_version == SCHEMA_VERSION
    on_disk = json.loads(store.path.read_bytes())
    assert on_disk["schema_version"] == SCHEMA_VERSION
    assert on_disk["learner_name"] == "Ada"
    (copy,) = store.path.parent.glob("progress.json.v0-*")
    assert copy.read_bytes() == old
    assert "upgraded from format version 0" in store.notices[0]


def test_old_file_without_migration_is_kept_aside(store: ProgressStore) -> None:
    """Without a registered migration, is an old file kept aside rather than misread?"""
    assert 0 not in MIGRATIONS
    old = json.dumps({"schema_version": 0, "name": "Ada"}).encode()
    store.path.write_bytes(old)

    assert store.load().learner_name == ""

    (aside,) = store.path.parent.glob("progress.json.corrupt-*")
    assert aside.read_bytes() == old
    assert "no upgrade from format version 0" in store.notices[0]


def test_migration_is_applied_on_import(
    store: ProgressStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Is an export from an older format upgraded before it is merged?"""
    monkeypatch.setitem(MIGRATIONS, 0, _v0_to_v1)

    result = store.import_bytes(envelope({"name": "Ada"}, version=0), "old.json")

    assert result.migrated_from == 0
    assert store.load().learner_name == "Ada"
    assert "upgraded from format version 0" in result.summary[0]


def test_failing_migration_refuses_import(
    store: ProgressStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Does a migration that crashes make the import fail with a message, not a traceback?"""

    def broken(data: dict) -> dict:
        raise KeyError("name")

    monkeypatch.setitem(MIGRATIONS, 0, broken)

    with pytest.raises(ProgressError, match=r"^old\.json: the file could not be upgraded"):
        store.import_bytes(envelope({}, version=0), "old.json")


def test_lock_file_sits_next_to_progress(store: ProgressStore) -> None:
    """Is the lock taken on progress.json.lock in the same folder?"""
    store.set_learner_name("Ada")

    assert store.lock_path == store.path.with_name("progress.json.lock")
    assert store.lock_path.exists()
    assert os.path.dirname(store.lock_path) == os.path.dirname(store.path)
