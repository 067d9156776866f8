"""The pure core: detection, planning, composing and reply parsing over plain data,
with the clock passed in. No I/O, no adapter, no application module.
"""
