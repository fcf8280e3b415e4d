"""Demo data and benchmark data, out of the production apps (issue 16).

accounts, programme, reporting, products, catalogue, documents: the demo generators run by `manage.py demo`
(ocop/demo/management/commands/demo.py); benchdata: the catalogue benchmark's generated products
(ocop/bench/benchmarks.py). Everything created here is flagged DEMO or named as benchmark data.
"""
