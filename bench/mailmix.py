"""A realistic job seeker's inbox, generated fast enough for 50,000 messages.

Kinds (share of the mailbox):
  newsletter   30%  multipart/alternative text+html, List-Unsubscribe, 6-50 KB
  personal     16%  text/plain, half are replies in a thread (In-Reply-To), 2-8 KB
  notification 45%  GitHub / bank / shipping / social, some multipart/mixed with a
                    base64 PDF receipt, 2-30 KB
  job_alert     5%  LinkedIn/Indeed-style alerts ("positions", "role"), 6-20 KB
  from_me      ~1%  mail the user sent to themself
  calendar      5   non-interview calendar invites (standup, dentist): text/calendar
  invite        5   interview invites built with tests/mailgen.py's invite()
  photos        2%  personal mail with 1-2 JPEG photos (40-300 KB each), half of it replies

Must-read messages (MUST_READ: their bodies have to be read, the bench checks each):
  invite, confirm_en / confirm_de (interview confirmations in prose, no calendar part,
  from companies followup never heard of), approval_reply / debrief_reply (the user
  answering followup's own requests), thanks_reply (the interviewer answering the
  thank-you), reschedule (the company, in the interview's thread, no interview word in
  the subject), cancellation (a calendar CANCEL of the known interview). The replies name
  the Message-IDs in SEED: the bench puts that interview and those sends in the store
  before the first sync, as a user's database would hold them.

Every message gets a Message-ID `<b{index}.{hex}@{domain}>` (invites: mailgen's
own) so the benchmark can map what followup fetched back to what it wrote.
Files are written with LF line ends, as mail delivery agents write Maildir files.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import common  # noqa: F401  (sys.path for mailgen)
from mailgen import invite

ME = common.ME
_EASTERN = ZoneInfo("America/New_York")

# What the store knows before the first sync (bench/sync.py seeds it): one interview with
# Vandelay, whose thank-you, approval request and debrief request followup sent.
SEED = {
    "company": "Vandelay",
    "uid": "seed-vandelay",
    "interviewer": ("Jane Doe", "jane.doe@vandelay.example"),
    "invite_id": "<seed-vandelay-0-request@vandelay.example>",
    "thank_you": "<ty-seed-1@followup.seeker.example>",
    "approval": "<req-seed-1@followup.seeker.example>",
    "debrief": "<debrief-seed-1@followup.seeker.example>",
}
# Kind -> how many of it each mailbox holds (at least; invites come from `invites`).
MUST_READ = {
    "invite": 5,
    "confirm_en": 2,
    "confirm_de": 2,
    "approval_reply": 2,
    "debrief_reply": 1,
    "thanks_reply": 2,
    "reschedule": 1,
    "cancellation": 1,
}
INTERVIEW_KINDS = ("invite", "confirm_en", "confirm_de")

_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "for",
    "on",
    "with",
    "that",
    "this",
    "as",
    "your",
    "at",
    "from",
    "by",
    "be",
    "are",
    "our",
    "new",
    "more",
    "about",
    "we",
    "can",
    "all",
    "will",
    "one",
    "has",
    "have",
    "it",
    "you",
    "week",
    "update",
    "team",
    "project",
    "data",
    "city",
    "park",
    "garden",
    "coffee",
    "book",
    "music",
    "travel",
    "photo",
    "weekend",
    "dinner",
    "family",
    "price",
    "order",
    "item",
    "store",
    "account",
    "summary",
    "report",
    "commit",
    "branch",
    "build",
    "release",
    "morning",
    "afternoon",
    "quarter",
    "budget",
    "recipe",
    "river",
    "mountain",
    "ticket",
    "season",
]


def _text_pool(rng: random.Random, size: int = 200_000) -> str:
    lines, n = [], 0
    while n < size:
        line = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 14))).capitalize() + "."
        lines.append(line)
        n += len(line) + 1
    return "\n".join(lines)


@dataclass
class Generated:
    index: int
    kind: str
    raw: bytes  # LF line ends
    message_id: str
    when: datetime
    has_calendar: bool
    is_interview: bool
    seen: bool


class MailMix:
    def __init__(self, seed: int = 1):
        self.rng = random.Random(seed)
        self.pool = _text_pool(self.rng)
        noise = bytes(self.rng.getrandbits(8) for _ in range(40_000))
        self.pdf = base64.encodebytes(noise).decode()
        jpeg = b"\xff\xd8\xff\xe0" + self.rng.randbytes(320_000)
        self.jpeg = base64.encodebytes(jpeg).decode()

    # -- pieces ----------------------------------------------------------------

    def _filler(self, size: int) -> str:
        if size <= 0:
            return ""
        start = self.rng.randrange(0, len(self.pool) - size - 1) if size < len(self.pool) else 0
        return self.pool[start : start + size]

    def _size(self, lo: int, hi: int) -> int:
        # log-uniform: many small messages, a tail of large ones
        import math

        return int(math.exp(self.rng.uniform(math.log(lo), math.log(hi))))

    def _common(
        self,
        i: int,
        when: datetime,
        sender: str,
        subject: str,
        domain: str,
        to: str = f"Sam Seeker <{ME}>",
    ) -> tuple[str, str]:
        mid = f"<b{i}.{self.rng.getrandbits(48):012x}@{domain}>"
        relay = f"mx{self.rng.randint(1, 9)}.{domain}"
        dkim = base64.b64encode(self.rng.randbytes(180)).decode()
        head = (
            f"Return-Path: <bounce-{self.rng.getrandbits(32):08x}@{domain}>\n"
            f"Delivered-To: {ME}\n"
            f"Received: from {relay} ({relay} [192.0.2.{self.rng.randint(1, 254)}])\n"
            f"\tby mail.example.net with ESMTPS id {self.rng.getrandbits(40):010x}\n"
            f"\tfor <{ME}>; {format_datetime(when)}\n"
            f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s=s1;\n"
            f"\th=from:to:subject:date:message-id; bh={dkim[:44]};\n"
            f"\tb={dkim[44:]}\n"
            f"From: {sender}\n"
            f"To: {to}\n"
            f"Subject: {subject}\n"
            f"Date: {format_datetime(when)}\n"
            f"Message-ID: {mid}\n"
            "MIME-Version: 1.0\n"
        )
        return head, mid

    # -- kinds -----------------------------------------------------------------

    NEWSLETTERS = [
        ("Weekly Digest <digest@news.example>", "news.example", "Your weekly digest: 12 stories"),
        (
            "Garden Shop <hello@gardenshop.example>",
            "gardenshop.example",
            "Spring sale: 30% off seeds",
        ),
        ("The Morning Brew <crew@brew.example>", "brew.example", "Markets, coffee and a quiz"),
        ("Bookworm <news@bookworm.example>", "bookworm.example", "New releases this month"),
        (
            "TravelDeals <deals@travel.example>",
            "travel.example",
            "Last chance: special offer on flights",
        ),
        ("City Museum <members@museum.example>", "museum.example", "Members' evening on Friday"),
    ]

    def newsletter(self, i: int, when: datetime) -> tuple[str, str, str]:
        sender, domain, subject = self.rng.choice(self.NEWSLETTERS)
        head, mid = self._common(i, when, sender, subject, domain)
        size = self._size(6_000, 50_000)
        text = self._filler(size // 3)
        html = (
            "<html><body><table><tr><td>"
            + self._filler(size - size // 3).replace("\n", "</td></tr>\n<tr><td>")
            + "</td></tr></table></body></html>"
        )
        b = f"=_b{i}"
        head += (
            f"List-Unsubscribe: <https://{domain}/u/{i}>, <mailto:unsub@{domain}>\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n"
            "Precedence: bulk\n"
            f'Content-Type: multipart/alternative; boundary="{b}"\n\n'
        )
        body = (
            f"--{b}\nContent-Type: text/plain; charset=utf-8\n\n{text}\n"
            f"--{b}\nContent-Type: text/html; charset=utf-8\n\n{html}\n--{b}--\n"
        )
        return head + body, mid, "newsletter"

    FRIENDS = [
        ("Alex Rivera", "alex.rivera@mailbox.example"),
        ("Priya Shah", "priya@shah.example"),
        ("Mom", "mom@family.example"),
        ("Jordan Lee", "jordan.lee@mailbox.example"),
        ("Chris Park", "cpark@uni.example"),
    ]
    PERSONAL_SUBJECTS = [
        "Dinner on Saturday?",
        "Photos from the lake",
        "Book you lent me",
        "Happy birthday!",
        "Quick question about the trip",
        "Re: weekend plans",
        "Recipe",
        "Moving day",
    ]

    def personal(self, i: int, when: datetime) -> tuple[str, str, str]:
        name, addr = self.rng.choice(self.FRIENDS)
        subject = self.rng.choice(self.PERSONAL_SUBJECTS)
        head, mid = self._common(i, when, f"{name} <{addr}>", subject, addr.split("@")[1])
        if self.rng.random() < 0.5:
            ref = f"<p{self.rng.getrandbits(40):010x}@seeker.example>"
            head += f"In-Reply-To: {ref}\nReferences: {ref}\n"
        head += "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        return head + self._filler(self._size(2_000, 8_000)) + "\n", mid, "personal"

    NOTIFY = [
        ("GitHub <notifications@github.com>", "github.com", "[sam/dotfiles] Build failed on main"),
        (
            "GitHub <notifications@github.com>",
            "github.com",
            "Re: [sam/dotfiles] Fix zsh prompt (#42)",
        ),
        ("First Bank <alerts@firstbank.example>", "firstbank.example", "Your statement is ready"),
        ("ParcelCo <track@parcel.example>", "parcel.example", "Your package is out for delivery"),
        ("Social <notify@social.example>", "social.example", "Alex liked your photo"),
        ("Power & Light <billing@power.example>", "power.example", "Your receipt for March"),
        (
            "Cloud Storage <no-reply@cloud.example>",
            "cloud.example",
            "You are using 80% of your storage",
        ),
    ]

    def notification(self, i: int, when: datetime) -> tuple[str, str, str]:
        sender, domain, subject = self.rng.choice(self.NOTIFY)
        head, mid = self._common(i, when, sender, subject, domain)
        head += "X-Auto-Response-Suppress: All\nAuto-Submitted: auto-generated\n"
        if "receipt" in subject or "statement" in subject:
            b = f"=_m{i}"
            pdf = self.pdf[: self._size(2_000, 30_000)]
            head += f'Content-Type: multipart/mixed; boundary="{b}"\n\n'
            body = (
                f"--{b}\nContent-Type: text/plain; charset=utf-8\n\n{self._filler(1200)}\n"
                f'--{b}\nContent-Type: application/pdf; name="statement.pdf"\n'
                'Content-Disposition: attachment; filename="statement.pdf"\n'
                f"Content-Transfer-Encoding: base64\n\n{pdf}\n--{b}--\n"
            )
            return head + body, mid, "notification"
        head += "Content-Type: text/plain; charset=utf-8\n\n"
        return head + self._filler(self._size(2_000, 12_000)) + "\n", mid, "notification"

    def job_alert(self, i: int, when: datetime) -> tuple[str, str, str]:
        sender, domain = self.rng.choice(
            [
                ("LinkedIn Job Alerts <jobalerts-noreply@linkedin.com>", "linkedin.com"),
                ("Indeed <alert@indeed.com>", "indeed.com"),
            ]
        )
        head, mid = self._common(i, when, sender, "12 new positions for Backend Engineer", domain)
        head += "Content-Type: text/plain; charset=utf-8\n\n"
        body = "".join(
            f"Backend Engineer - Company {k} - Remote\nApply: https://{domain}/j/{k}\n"
            for k in range(12)
        ) + self._filler(self._size(4_000, 16_000))
        return head + body + "\n", mid, "job_alert"

    def from_me(self, i: int, when: datetime) -> tuple[str, str, str]:
        head, mid = self._common(
            i, when, f"Sam Seeker <{ME}>", "note to self: groceries", "example.net"
        )
        head += "Content-Type: text/plain; charset=utf-8\n\n"
        return head + self._filler(self._size(2_000, 4_000)) + "\n", mid, "from_me"

    def calendar(self, i: int, when: datetime) -> tuple[str, str, str]:
        what, org = self.rng.choice(
            [
                ("Team standup", "lead@work.example"),
                ("Dentist appointment", "front-desk@dental.example"),
                ("Book club", "priya@shah.example"),
            ]
        )
        domain = org.split("@")[1]
        head, mid = self._common(i, when, f"{what} <{org}>", f"{what}", domain)
        start = when + timedelta(days=3)
        fmt = "%Y%m%dT%H%M%SZ"
        head += "Content-Type: text/calendar; charset=utf-8; method=REQUEST\n\n"
        body = (
            "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//bench//EN\nMETHOD:REQUEST\n"
            f"BEGIN:VEVENT\nUID:cal-{i}@{domain}\nSEQUENCE:0\n"
            f"DTSTAMP:{when.astimezone(UTC).strftime(fmt)}\n"
            f"DTSTART:{start.astimezone(UTC).strftime(fmt)}\n"
            f"DTEND:{(start + timedelta(minutes=30)).astimezone(UTC).strftime(fmt)}\n"
            f"SUMMARY:{what}\nORGANIZER:mailto:{org}\n"
            f"ATTENDEE;CN=Sam Seeker:mailto:{ME}\nEND:VEVENT\nEND:VCALENDAR\n"
        )
        return head + body, mid, "calendar"

    COMPANIES = ["Acme", "Initech", "Globex", "Hooli", "Umbrella", "Stark", "Wayne", "Tyrell"]

    def interview(self, i: int, when: datetime, now: datetime) -> tuple[str, str, str]:
        company = self.COMPANIES[i % len(self.COMPANIES)]
        start = (now + timedelta(days=3 + i % 9)).replace(
            hour=15, minute=0, second=0, microsecond=0
        )
        uid = f"bench-{i}-{self.rng.getrandbits(32):08x}"
        domain = f"{company.lower()}.example"
        raw = invite(
            uid=uid,
            start=start,
            people=[("Jane Doe", f"jane.doe@{domain}"), ("Raj Patel", f"raj@{domain}")],
            company=company,
            role="Backend Engineer",
            sent=when,
        )
        mid = f"<{uid}-0-request@{company.lower()}.example>"
        return raw.decode().replace("\r\n", "\n"), mid, "invite"

    def photos(self, i: int, when: datetime) -> tuple[str, str, str]:
        """A friend's mail with photos attached (half of them replies in a thread)."""
        name, addr = self.rng.choice(self.FRIENDS)
        subject = self.rng.choice(["Photos from the lake", "Re: weekend plans", "Look at this!"])
        head, mid = self._common(i, when, f"{name} <{addr}>", subject, addr.split("@")[1])
        if self.rng.random() < 0.5:
            ref = f"<p{self.rng.getrandbits(40):010x}@seeker.example>"
            head += f"In-Reply-To: {ref}\nReferences: {ref}\n"
        b = f"=_p{i}"
        head += f'Content-Type: multipart/mixed; boundary="{b}"\n\n'
        body = f"--{b}\nContent-Type: text/plain; charset=utf-8\n\n{self._filler(600)}\n"
        for k in range(self.rng.randint(1, 2)):
            size = self._size(40_000, 300_000) * 4 // 3
            start = self.rng.randrange(0, len(self.jpeg) - size - 1)
            body += (
                f'--{b}\nContent-Type: image/jpeg; name="IMG_{i}_{k}.jpg"\n'
                f'Content-Disposition: attachment; filename="IMG_{i}_{k}.jpg"\n'
                f"Content-Transfer-Encoding: base64\n\n{self.jpeg[start : start + size]}\n"
            )
        return head + body + f"--{b}--\n", mid, "photos"

    def confirm_en(self, i: int, when: datetime, now: datetime) -> tuple[str, str, str]:
        company = ["Hooli", "Pied Piper", "Soylent", "Cyberdyne"][i % 4]
        domain = company.lower().replace(" ", "") + ".example"
        start = (now + timedelta(days=4 + i % 5)).astimezone(_EASTERN)
        day = start.strftime("%A, %B ") + str(start.day) + start.strftime(", %Y")
        head, mid = self._common(
            i,
            when,
            f"{company} Recruiting <no-reply@{domain}>",
            f"Interview Confirmation: Backend Engineer at {company}",
            domain,
        )
        head += (
            f"Reply-To: Carol Diaz <carol.diaz@{domain}>\n"
            "Content-Type: text/plain; charset=utf-8\n\n"
        )
        body = (
            f"Hi Sam,\n\nThank you for your interest in the Backend Engineer role at {company}. "
            "Your interview is confirmed:\n\n"
            f"Date: {day}\nTime: 1:00 PM - 2:30 PM EST\n"
            f"Location: Zoom - https://{domain}/j/93456789012\n\n"
            f"You will be meeting with Alice Wong (alice.wong@{domain}) and "
            f"Carol Diaz (carol.diaz@{domain}).\n\nBest,\nCarol Diaz\n"
            f"Recruiting Coordinator | {company}\n"
        )
        return head + body, mid, "confirm_en"

    def confirm_de(self, i: int, when: datetime, now: datetime) -> tuple[str, str, str]:
        company = ["Orion Freight", "Nordlicht Energie", "Bergmann Logistik"][i % 3]
        domain = company.lower().replace(" ", "-") + ".example"
        start = (now + timedelta(days=4 + i % 5)).date()
        head, mid = self._common(
            i,
            when,
            f'"{company} GmbH" <jobs@{domain}>',
            "=?utf-8?q?Einladung_zum_Vorstellungsgespr=C3=A4ch=3A_Backend_Engineer?=",
            domain,
        )
        head += (
            f"Reply-To: Lena Brandt <lena.brandt@{domain}>\nX-Mailer: Personio Recruiting\n"
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        )
        body = (
            "Hallo Sam,\n\nvielen Dank für Ihre Bewerbung als Backend Engineer (m/w/d) bei "
            f"{company}.\nWir möchten Sie gerne zu einem Vorstellungsgespräch einladen.\n\n"
            f"Termin: {start.isoformat()} um 14:00 Uhr (Europe/Berlin)\nDauer: 45 Minuten\n"
            "Ort: Videocall – https://meet.google.com/abc-defg-hij\n\n"
            f"Sie sprechen mit Lena Brandt (lena.brandt@{domain}) und Jonas Weber "
            f"(jonas.weber@{domain}).\n\nViele Grüße\nLena Brandt\n"
            f"Talent Acquisition | {company} GmbH\n"
        )
        return head + body, mid, "confirm_de"

    def _reply_to_followup(
        self, i: int, when: datetime, kind: str, sender: str, subject: str, ref: str, text: str
    ) -> tuple[str, str, str]:
        domain = sender.rpartition("@")[2].rstrip(">")
        head, mid = self._common(i, when, sender, subject, domain)
        head += (
            f"In-Reply-To: {ref}\nReferences: {ref}\nContent-Type: text/plain; charset=utf-8\n\n"
        )
        quote = "".join(f"> {ln}\n" for ln in self._filler(900).splitlines())
        return head + f"{text}\n\nOn Monday, followup wrote:\n{quote}", mid, kind

    def approval_reply(self, i: int, when: datetime) -> tuple[str, str, str]:
        return self._reply_to_followup(
            i, when, "approval_reply", f"Sam Seeker <{ME}>",
            "Re: 1 thank-you waiting for your OK", SEED["approval"], "approve",
        )  # fmt: skip

    def debrief_reply(self, i: int, when: datetime) -> tuple[str, str, str]:
        return self._reply_to_followup(
            i, when, "debrief_reply", f"Sam Seeker <{ME}>", "Re: How did it go?",
            SEED["debrief"], "Went well: the system design part.\nTopics: queues, caching",
        )  # fmt: skip

    def thanks_reply(self, i: int, when: datetime) -> tuple[str, str, str]:
        name, addr = SEED["interviewer"]
        return self._reply_to_followup(
            i, when, "thanks_reply", f"{name} <{addr}>", "Re: Thank you",
            SEED["thank_you"], "Thanks Sam, it was great talking to you. We'll be in touch.",
        )  # fmt: skip

    def reschedule(self, i: int, when: datetime) -> tuple[str, str, str]:
        return self._reply_to_followup(
            i, when, "reschedule", "Vandelay People <people@vandelay.example>",
            "Re: Tuesday", SEED["invite_id"],
            "Something came up on our side: could we move our conversation to Thursday, "
            "same time?",
        )  # fmt: skip

    def cancellation(self, i: int, when: datetime, now: datetime) -> tuple[str, str, str]:
        name, addr = SEED["interviewer"]
        raw = invite(
            uid=SEED["uid"],
            start=(now - timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0),
            people=[(name, addr)],
            company=SEED["company"],
            sequence=1,
            method="CANCEL",
            sent=when,
        )
        mid = f"<{SEED['uid']}-1-cancel@vandelay.example>"
        return raw.decode().replace("\r\n", "\n"), mid, "cancellation"

    # -- the mailbox -----------------------------------------------------------

    def mailbox(
        self,
        n: int,
        now: datetime,
        *,
        span_days: float = 10.0,
        invites: int = 5,
        calendars: int = 5,
    ):
        """n messages dated over the `span_days` before `now`, oldest first."""
        must = dict(MUST_READ, invite=invites)
        wanted = [k for k, count in must.items() for _ in range(count)]
        wanted += ["calendar"] * calendars
        specials = dict(zip(self.rng.sample(range(n), min(n, len(wanted))), wanted, strict=False))
        start = now - timedelta(days=span_days)
        step = timedelta(days=span_days) / max(1, n)
        for i in range(n):
            when = (start + step * i).replace(microsecond=0)
            kind = specials.get(i)
            if kind in ("invite", "confirm_en", "confirm_de", "cancellation"):
                text, mid, kind = getattr(self, "interview" if kind == "invite" else kind)(
                    i, when, now
                )
            elif kind is not None:
                text, mid, kind = getattr(self, kind)(i, when)
            else:
                r = self.rng.random()
                if r < 0.30:
                    text, mid, kind = self.newsletter(i, when)
                elif r < 0.46:
                    text, mid, kind = self.personal(i, when)
                elif r < 0.48:
                    text, mid, kind = self.photos(i, when)
                elif r < 0.93:
                    text, mid, kind = self.notification(i, when)
                elif r < 0.98:
                    text, mid, kind = self.job_alert(i, when)
                elif r < 0.99:
                    text, mid, kind = self.from_me(i, when)
                else:
                    text, mid, kind = self.notification(i, when)
            yield Generated(
                i,
                kind,
                text.encode("utf-8"),
                mid,
                when,
                has_calendar=kind in ("invite", "calendar", "cancellation"),
                is_interview=kind in INTERVIEW_KINDS,
                seen=self.rng.random() < 0.7,
            )
