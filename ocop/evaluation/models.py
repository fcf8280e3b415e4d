"""The evaluation app's models, gathered for Django: the law as versioned data (models_law.py:
instruments, classifications, criteria sets, star scales, procedures and the date queries over them)
and the rounds, scores and certificates built on it (models_rounds.py). Imports run one way:
models.py → models_rounds.py → models_law.py.
"""

from ocop.evaluation.models_law import (  # noqa: F401
    Classification,
    CouncilLevel,
    CRITERIA_SET_IDENTITY,
    CriteriaSet,
    CriteriaSetQuerySet,
    DataFile,
    InForceQuerySet,
    Instrument,
    InstrumentQuerySet,
    NodeLevel,
    ProcedureRule,
    StarScale,
    parsed_from_identities,
    procedure_rule_on,
    rules_on,
    scale_on,
)
from ocop.evaluation.models_rounds import (  # noqa: F401
    Application,
    ApplicationKind,
    ApplicationStatus,
    Certificate,
    CertificateNotice,
    CertificateStatus,
    CouncilSeat,
    MemberScore,
    NoticeKind,
    Recusal,
    Round,
    RoundProduct,
    RoundStatus,
    SeatRole,
    VerificationLookup,
)
