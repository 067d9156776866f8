"""The application: the pass, the use cases, the outbox and the service.
It uses the core and the adapters.
"""
