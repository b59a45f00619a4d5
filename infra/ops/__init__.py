"""The operator's command line: onboard tenants on the deployed stack (or the local cloud).

`python -m infra.ops --help`. It runs the same service code as the API (a `Container` built
from the arguments), talks to the table with the operator's own AWS credentials, never
through the API. (Not `infra.operator`: `python infra/app.py` puts `infra/` on sys.path,
where an `operator` package would shadow the standard library's.)
"""
