"""followup: turn each job interview into a timely, approved follow-up."""

__version__ = "0.1.0"
