"""The .ics that `rapport export ics` writes, read back by a parser nobody here wrote.

Python's `icalendar` package parses the file; `python-dateutil` (its dependency) expands the
recurrence rule the way calendar programs do. Run by `make test` as
`RAPPORT_CLI=target/debug/rapport python -m unittest tests/ics/test_ics.py`.
"""

import datetime as dt
import json
import os
import subprocess
import tempfile
import unittest
from zoneinfo import ZoneInfo

import icalendar
from dateutil.rrule import rrulestr

CLI = os.environ.get("RAPPORT_CLI", "target/debug/rapport")
PARIS = ZoneInfo("Europe/Paris")


class IcsExport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.dir.name, "crm.db")
        cls.env = {**os.environ, "TZ": "Europe/Paris"}
        ada = cls.rapport("contacts", "add", "--first-name", "Ada", "--last-name", "Lovelace")
        bob = cls.rapport("contacts", "add", "--first-name", "Bob", "--last-name", "Babbage")
        cls.ada, cls.bob = ada, bob
        cls.meeting = cls.rapport(
            "activities", "add", "--type", "meeting", "--subject", "Demo, with; commas",
            "--contact", ada, "--due", "2026-07-15T14:30", "--duration", "45",
            "--notes", "Line one\nLine two", "--remind-before", "15",
        )
        cls.task = cls.rapport(
            "activities", "add", "--type", "task", "--subject", "Send the contract",
            "--contact", ada, "--due", "2026-07-20",
        )
        # Every month on the 1st at 09:00 Paris time, across the October DST change.
        cls.series_first = cls.rapport(
            "activities", "add", "--type", "task", "--subject", "Monthly statement",
            "--contact", ada, "--due", "2026-09-01T09:00", "--rrule", "FREQ=MONTHLY;BYMONTHDAY=1",
        )
        cls.other = cls.rapport(
            "activities", "add", "--type", "call", "--subject", "Call Bob",
            "--contact", bob, "--due", "2026-08-03T11:00",
        )

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    @classmethod
    def rapport(cls, *args):
        out = subprocess.run(
            [CLI, "--db", cls.db, *args], env=cls.env, capture_output=True, text=True, check=False
        )
        if out.returncode != 0:
            raise AssertionError(f"rapport {' '.join(args)} failed: {out.stderr}")
        return out.stdout.strip().splitlines()[0] if out.stdout.strip() else ""

    def export(self, *args):
        path = os.path.join(self.dir.name, f"out-{len(os.listdir(self.dir.name))}.ics")
        report = json.loads(
            subprocess.run(
                [CLI, "--db", self.db, "export", "ics", "--out", path, "--format", "json", *args],
                env=self.env, capture_output=True, text=True, check=True,
            ).stdout
        )
        with open(path, "rb") as f:
            cal = icalendar.Calendar.from_ical(f.read())
        return report, cal

    def components(self, cal, name):
        return [c for c in cal.walk() if c.name == name]

    def by_summary(self, cal, summary):
        found = [c for c in cal.walk() if c.get("SUMMARY") == summary]
        self.assertEqual(len(found), 1, f"one item called {summary!r}")
        return found[0]

    def test_events_keep_their_times_text_and_reminders(self):
        report, cal = self.export()
        self.assertEqual(cal.get("VERSION"), "2.0")
        self.assertIn("Rapport", str(cal.get("PRODID")))
        demo = self.by_summary(cal, "Demo, with; commas")
        start = demo.decoded("DTSTART")
        self.assertEqual(start, dt.datetime(2026, 7, 15, 12, 30, tzinfo=dt.timezone.utc))
        self.assertEqual(demo.decoded("DTEND") - start, dt.timedelta(minutes=45))
        self.assertIn("Line one\nLine two", str(demo.get("DESCRIPTION")))
        self.assertIn("Ada Lovelace", str(demo.get("DESCRIPTION")))
        alarm = self.components(demo, "VALARM")[0]
        self.assertEqual(alarm.decoded("TRIGGER"), dt.timedelta(minutes=-15))
        items = [c for c in cal.walk() if c.name in ("VEVENT", "VTODO")]
        # A moved occurrence shares its series' UID, told apart by RECURRENCE-ID.
        keys = [(str(c.get("UID")), str(c.get("RECURRENCE-ID"))) for c in items]
        self.assertEqual(len(keys), len(set(keys)), "every item has its own UID")
        self.assertEqual(report["items"], len(items))

    def test_an_all_day_task_is_a_todo_due_on_its_date(self):
        _, cal = self.export()
        todo = self.by_summary(cal, "Send the contract")
        self.assertEqual(todo.name, "VTODO")
        self.assertEqual(todo.decoded("DUE"), dt.date(2026, 7, 20))

    def test_a_series_is_one_event_whose_rule_expands_at_the_same_local_time_across_dst(self):
        _, cal = self.export()
        series = self.by_summary(cal, "Monthly statement")
        start = series.decoded("DTSTART")
        self.assertEqual(start.tzinfo.key if hasattr(start.tzinfo, "key") else str(start.tzinfo), "Europe/Paris")
        self.assertEqual((start.hour, start.minute), (9, 0))
        rule = series.get("RRULE")
        self.assertEqual(rule["FREQ"], ["MONTHLY"])
        self.assertEqual(rule["BYMONTHDAY"], [1])
        dates = list(rrulestr(rule.to_ical().decode(), dtstart=start))[:4]
        local = [d.astimezone(PARIS).strftime("%Y-%m-%d %H:%M %Z") for d in dates]
        self.assertEqual(
            local,
            ["2026-09-01 09:00 CEST", "2026-10-01 09:00 CEST", "2026-11-01 09:00 CET", "2026-12-01 09:00 CET"],
        )
        utc = [d.astimezone(dt.timezone.utc).hour for d in dates]
        self.assertEqual(utc, [7, 7, 8, 8], "the UTC time shifts with daylight saving")

    def test_completing_and_moving_one_occurrence_keeps_the_series_and_adds_an_override(self):
        nxt = self.rapport("activities", "done", self.series_first)
        self.assertTrue(nxt, "completing prints the next occurrence's id")
        self.rapport("activities", "reschedule", nxt, "--to", "2026-10-02T10:00")
        _, cal = self.export()
        items = [c for c in cal.walk() if c.get("SUMMARY") == "Monthly statement"]
        masters = [c for c in items if c.get("RECURRENCE-ID") is None]
        moved = [c for c in items if c.get("RECURRENCE-ID") is not None]
        self.assertEqual(len(masters), 1)
        self.assertEqual(len(moved), 1)
        self.assertEqual(str(moved[0].get("UID")), str(masters[0].get("UID")))
        rid = moved[0].decoded("RECURRENCE-ID").astimezone(PARIS)
        self.assertEqual(rid.strftime("%Y-%m-%d %H:%M"), "2026-10-01 09:00")
        new_start = moved[0].decoded("DTSTART").astimezone(PARIS)
        self.assertEqual(new_start.strftime("%Y-%m-%d %H:%M"), "2026-10-02 10:00")

    def test_one_records_activities_or_a_date_range_can_be_exported_alone(self):
        _, cal = self.export("--contact", self.bob)
        self.assertEqual([str(c.get("SUMMARY")) for c in cal.walk("VEVENT")], ["Call Bob"])
        _, cal = self.export("--from", "2026-07-01", "--to", "2026-08-01")
        summaries = sorted(str(c.get("SUMMARY")) for c in cal.walk() if c.name in ("VEVENT", "VTODO"))
        self.assertEqual(summaries, ["Demo, with; commas", "Send the contract"])
        # A range with only later occurrences of the series still includes the series.
        _, cal = self.export("--from", "2027-03-01", "--to", "2027-04-01")
        masters = [c for c in cal.walk("VEVENT") if c.get("RECURRENCE-ID") is None]
        self.assertEqual([str(c.get("SUMMARY")) for c in masters], ["Monthly statement"])


if __name__ == "__main__":
    unittest.main()
