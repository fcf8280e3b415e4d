"""Demo data and benchmark data, out of the production apps (issue 16).

accounts, programme, reporting, products, catalogue: the demo generators run by `manage.py demo`
(ocop/demo/management/commands/demo.py); benchdata: the catalogue benchmark's generated products
(ocop/bench/benchmarks.py). Everything created here is flagged DEMO or named as benchmark data.
ocop/documents/demo.py stays in the documents app until its owners finish their current work;
ocop/accounts/demo.py and ocop/catalogue/benchdata.py are one-line aliases kept for ocop/bench.
"""
