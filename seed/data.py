"""Published facts the service starts with (domain.md §4, §5, §9). No people, no decisions."""

from typing import NamedTuple

from models.enums import Region, RuleDocumentType

EA = Region.EAST_ASIA_CAUCASUS_CENTRAL_ASIA
SA = Region.SOUTHEAST_SOUTH_ASIA_OCEANIA
AF = Region.AFRICA
ME = Region.MIDDLE_EAST
LA = Region.LATIN_AMERICA
EE = Region.EASTERN_EUROPE


class PartnerFact(NamedTuple):
    code: str
    name_en: str
    name_ja: str
    region: Region
    signed_on: str  # as precise as published
    projects: int | None  # published count of May 2025; None where none was reported


JAPAN = ("JP", "Japan", "日本")

# In order of signing: the position in this list is the signing order.
PARTNERS: list[PartnerFact] = [
    PartnerFact("MN", "Mongolia", "モンゴル", EA, "2013-01-08", 11),
    PartnerFact("BD", "Bangladesh", "バングラデシュ", SA, "2013-03", 5),
    PartnerFact("ET", "Ethiopia", "エチオピア", AF, "2013-05", None),
    PartnerFact("KE", "Kenya", "ケニア", AF, "2013-06", 5),
    PartnerFact("MV", "Maldives", "モルディブ", SA, "2013-06", 4),
    PartnerFact("VN", "Viet Nam", "ベトナム", SA, "2013-07-02", 50),
    PartnerFact("LA", "Lao PDR", "ラオス", SA, "2013-08", 6),
    PartnerFact("ID", "Indonesia", "インドネシア", SA, "2013-08", 54),
    PartnerFact("CR", "Costa Rica", "コスタリカ", LA, "2013-12", 2),
    PartnerFact("PW", "Palau", "パラオ", SA, "2014-01", 7),
    PartnerFact("KH", "Cambodia", "カンボジア", SA, "2014-04-11", 7),
    PartnerFact("MX", "Mexico", "メキシコ", LA, "2014-07", 5),
    PartnerFact("SA", "Saudi Arabia", "サウジアラビア", ME, "2015-05", 3),
    PartnerFact("CL", "Chile", "チリ", LA, "2015-05", 16),
    PartnerFact("MM", "Myanmar", "ミャンマー", SA, "2015-09-16", 8),
    PartnerFact("TH", "Thailand", "タイ", SA, "2015", 51),
    PartnerFact("PH", "Philippines", "フィリピン", SA, "2017-01-12", 21),
    PartnerFact("SN", "Senegal", "セネガル", AF, "2022-08", None),
    PartnerFact("TN", "Tunisia", "チュニジア", AF, "2022-08-26", 2),
    PartnerFact("AZ", "Azerbaijan", "アゼルバイジャン", EA, "2022-09-07", None),
    PartnerFact("MD", "Moldova", "モルドバ", EE, "2022", None),
    PartnerFact("GE", "Georgia", "ジョージア", EA, "2022-09", None),
    PartnerFact("LK", "Sri Lanka", "スリランカ", SA, "2022-10-10", 3),
    PartnerFact("UZ", "Uzbekistan", "ウズベキスタン", EA, "2022-10-25", None),
    PartnerFact("PG", "Papua New Guinea", "パプアニューギニア", SA, "2022-11-18", None),
    PartnerFact("AE", "United Arab Emirates", "アラブ首長国連邦", ME, "2023", None),
    PartnerFact("KG", "Kyrgyz Republic", "キルギス", EA, "2023", None),
    PartnerFact("KZ", "Kazakhstan", "カザフスタン", EA, "2023", None),
    PartnerFact("UA", "Ukraine", "ウクライナ", EE, "2024-02-19", None),
    PartnerFact("TZ", "Tanzania", "タンザニア", AF, "2025-05-28", None),
]


def committee_names(partner: PartnerFact) -> tuple[str, str]:
    return f"Japan–{partner.name_en} Joint Committee", f"日本・{partner.name_ja}合同委員会"


# The CDM's sectoral scopes, by number.
SECTORAL_SCOPES: list[str] = [
    "Energy industries (renewable/non-renewable sources)",
    "Energy distribution",
    "Energy demand",
    "Manufacturing industries",
    "Chemical industry",
    "Construction",
    "Transport",
    "Mining/mineral production",
    "Metal production",
    "Fugitive emissions from fuels (solid, oil and gas)",
    "Fugitive emissions from production and consumption of halocarbons and sulphur hexafluoride",
    "Solvent use",
    "Waste handling and disposal",
    "Afforestation and reforestation",
    "Agriculture",
]

# (type, short code used in document codes, title), in the order of domain.md §4.
RULE_DOCUMENT_KINDS: list[tuple[RuleDocumentType, str, str]] = [
    (RuleDocumentType.RULES_OF_PROCEDURE, "RoP", "Rules of Procedures for the Joint Committee"),
    (RuleDocumentType.RULES_OF_IMPLEMENTATION, "RoI", "Rules of Implementation"),
    (RuleDocumentType.PROJECT_CYCLE_PROCEDURE, "PCP", "Project Cycle Procedure"),
    (
        RuleDocumentType.GUIDELINES_PROPOSED_METHODOLOGY,
        "GL_PM",
        "Guidelines for Developing Proposed Methodology",
    ),
    (
        RuleDocumentType.GUIDELINES_PDD_AND_MONITORING,
        "GL_PDD_MR",
        "Guidelines for Developing Project Design Document (PDD) and Monitoring Report",
    ),
    (
        RuleDocumentType.GUIDELINES_SUSTAINABLE_DEVELOPMENT,
        "GL_SDIP",
        "Guidelines for Developing Sustainable Development Implementation Plan and Report",
    ),
    (
        RuleDocumentType.GUIDELINES_TPE_DESIGNATION,
        "GL_TPE",
        "Guidelines for Designation as a Third-Party Entity",
    ),
    (
        RuleDocumentType.GUIDELINES_VALIDATION_AND_VERIFICATION,
        "GL_VV",
        "Guidelines for Validation and Verification",
    ),
    (RuleDocumentType.REGISTRY_SPECIFICATIONS, "Spec_Registry", "Common Specifications of the JCM Registry"),
    (RuleDocumentType.GLOSSARY, "Glossary", "Glossary of Terms"),
]
