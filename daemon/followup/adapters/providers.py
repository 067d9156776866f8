"""Known mail providers: server settings `followup init` fills in from an address."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Provider:
    name: str
    imap_host: str
    smtp_host: str
    smtp_port: int
    smtp_security: str
    # Files a Sent copy of SMTP mail itself. Only where that is known (Gmail, Office
    # 365): reconciliation after a crash treats a missing copy as "not sent".
    keeps_sent_copy: bool
    password_hint: str = ""
    oauth: str = ""  # the [oauth] provider that signs in here ("google", "microsoft")
    oauth_only: bool = False  # no passwords from mail apps: OAuth2 or nothing


GMAIL = Provider(
    "Gmail",
    "imap.gmail.com",
    "smtp.gmail.com",
    465,
    "ssl",
    True,
    "an app password (Google Account > Security > App passwords)",
    oauth="google",
)
OUTLOOK = Provider(
    "Outlook",
    "outlook.office365.com",
    "smtp.office365.com",
    587,
    "starttls",
    True,
    "an OAuth2 sign-in (Microsoft takes no passwords from mail apps)",
    oauth="microsoft",
    oauth_only=True,
)
YAHOO = Provider(
    "Yahoo",
    "imap.mail.yahoo.com",
    "smtp.mail.yahoo.com",
    465,
    "ssl",
    False,
    "an app password (Account security > Generate app password)",
)
ICLOUD = Provider(
    "iCloud",
    "imap.mail.me.com",
    "smtp.mail.me.com",
    587,
    "starttls",
    False,
    "an app-specific password (appleid.apple.com)",
)
FASTMAIL = Provider(
    "Fastmail",
    "imap.fastmail.com",
    "smtp.fastmail.com",
    465,
    "ssl",
    False,
    "an app password (Settings > Privacy & Security)",
)

_BY_DOMAIN = {
    "gmail.com": GMAIL,
    "googlemail.com": GMAIL,
    "outlook.com": OUTLOOK,
    "hotmail.com": OUTLOOK,
    "live.com": OUTLOOK,
    "msn.com": OUTLOOK,
    "yahoo.com": YAHOO,
    "ymail.com": YAHOO,
    "icloud.com": ICLOUD,
    "me.com": ICLOUD,
    "mac.com": ICLOUD,
    "fastmail.com": FASTMAIL,
    "fastmail.fm": FASTMAIL,
}
_BY_HOST = {p.smtp_host: p for p in _BY_DOMAIN.values()}


#: For an address on the user's own domain hosted by one of these (`init --provider`).
HOSTED = {"google": GMAIL, "microsoft": OUTLOOK}


def for_address(address: str) -> Provider | None:
    return _BY_DOMAIN.get(address.rpartition("@")[2].lower())


def for_smtp_host(host: str) -> Provider | None:
    """Used by save_sent = "auto": does this provider file a Sent copy itself?"""
    return _BY_HOST.get(host.lower())
