"""The adapters: the store, mail sources and transports, config, credentials,
systemd, the terminal. They use the core, never the application.
"""
