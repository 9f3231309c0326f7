"""The submission service: an LTI 1.3 tool where students submit and are graded at once.

The path a submission takes through it, one module per step:

    launch.py   the LMS launches the tool (OIDC login, then a signed id_token, checked by pylti1p3)
    web.py      the student uploads a notebook; it is stored and queued (an accepted upload is durable)
    jobs.py     a worker leases the attempt and grades it on a warm sandbox (or a Dask worker)
    store.py    the result, its score and the score's outbox entry are recorded in one transaction
    outbox.py   the score goes to the LMS by AGS, retried until it lands, exactly once per attempt

settings.py holds every setting (traitlets, `c.Service.*` in nbgrader_config.py), and
devplatform.py a small LTI platform on loopback, so that the whole flow can be tried
without an LMS (`autograder serve --dev`).
"""


class ServiceError(ValueError):
    """A setting or a request the service cannot work with, said in one line."""
