"""The vocabulary of analyst questions: aggregations, comparisons, superlatives, synonyms.

Plain data, kept apart from the parser so the words can be read (and extended) in one place.
Words are lower case; multi-word phrases are tuples matched on consecutive tokens.
"""

from __future__ import annotations

from .text import word_list

__all__ = [
    "AGGREGATES", "ABBREVIATIONS", "COMPARATORS", "CUE_WORDS", "GENERIC_ROWS", "INTENSIVE",
    "MODIFIER_TOKENS", "NEGATIONS", "RANK_NAMES", "STOPWORDS", "SUMMARY_LABELS",
    "SUPERLATIVES", "SYNONYMS", "TIME_UNITS", "YES_NO_STARTS", "phrases",
]

#: phrase -> pandas reducer name; the longest phrase at a position wins.
AGGREGATES: dict[tuple[str, ...], str] = {
    **dict.fromkeys([("average",), ("mean",), ("avg",), ("on", "average"), ("typical",)],
                    "mean"),
    **dict.fromkeys([("total",), ("sum",), ("combined",), ("altogether",), ("in", "total"),
                     ("overall",), ("sum", "of")], "sum"),
    **dict.fromkeys([("maximum",), ("max",), ("highest",), ("largest",), ("biggest",),
                     ("greatest",), ("most",), ("peak",), ("top",), ("best",)], "max"),
    **dict.fromkeys([("minimum",), ("min",), ("lowest",), ("smallest",), ("least",),
                     ("fewest",), ("worst",), ("bottom",)], "min"),
    ("median",): "median",
    **dict.fromkeys([("standard", "deviation"), ("std",), ("stdev",), ("sd",)], "std"),
    ("variance",): "var",
    **dict.fromkeys([("skewness",), ("skew",)], "skew"),
    ("kurtosis",): "kurt",
    ("range",): "range",
}

#: comparison phrases -> operator; "X or more" style phrases follow the number.
COMPARATORS: dict[tuple[str, ...], str] = {
    **dict.fromkeys([("at", "least"), ("no", "less", "than"), ("not", "less", "than"),
                     ("greater", "than", "or", "equal", "to"), ("more", "than", "or", "equal",
                                                                "to"), (">=",), ("≥",),
                     ("minimum", "of")], ">="),
    **dict.fromkeys([("at", "most"), ("no", "more", "than"), ("not", "more", "than"),
                     ("less", "than", "or", "equal", "to"), ("up", "to"), ("<=",), ("≤",),
                     ("maximum", "of")], "<="),
    **dict.fromkeys([("more", "than"), ("greater", "than"), ("higher", "than"),
                     ("larger", "than"), ("bigger", "than"), ("above",), ("over",),
                     ("exceeding",), ("exceeds",), ("exceed",), ("in", "excess", "of"),
                     ("beyond",), (">",), ("after",), ("later", "than")], ">"),
    **dict.fromkeys([("since",), ("from",)], ">="),
    **dict.fromkeys([("less", "than"), ("fewer", "than"), ("lower", "than"),
                     ("smaller", "than"), ("below",), ("under",), ("beneath",), ("<",),
                     ("before",), ("earlier", "than")], "<"),
    **dict.fromkeys([("until",), ("till",)], "<="),
    **dict.fromkeys([("equal", "to"), ("equals",), ("exactly",), ("=",), ("==",)], "=="),
    **dict.fromkeys([("not", "equal", "to"), ("!=",), ("other", "than")], "!="),
}
#: phrases after a number: "30 or more"
TRAILING_COMPARATORS: dict[tuple[str, ...], str] = {
    **dict.fromkeys([("or", "more"), ("or", "above"), ("or", "higher"), ("or", "greater"),
                     ("or", "over"), ("plus",), ("and", "above"), ("and", "over"),
                     ("and", "up"), ("and", "older"), ("or", "older")], ">="),
    **dict.fromkeys([("or", "less"), ("or", "fewer"), ("or", "below"), ("or", "lower"),
                     ("or", "under"), ("and", "under"), ("and", "below"), ("and", "younger"),
                     ("or", "younger")], "<="),
    ("or", "better"): "better", ("or", "worse"): "worse",  # depends on the column: ranks
}
__all__ += ["TRAILING_COMPARATORS", "COMPARATIVE_ADJECTIVES"]

#: superlative adjective -> (words a column name would hold, direction "max"/"min")
SUPERLATIVES: dict[str, tuple[tuple[str, ...], str]] = {
    "youngest": (("age",), "min"), "oldest": (("age",), "max"),
    "richest": (("worth", "wealth", "networth", "fortune", "asset", "income"), "max"),
    "wealthiest": (("worth", "wealth", "networth", "fortune", "asset", "income"), "max"),
    "poorest": (("worth", "wealth", "networth", "fortune", "asset", "income"), "min"),
    "tallest": (("height",), "max"), "shortest": (("height", "length", "duration"), "min"),
    "heaviest": (("weight",), "max"), "lightest": (("weight",), "min"),
    "longest": (("length", "duration", "distance", "runtime", "time"), "max"),
    "cheapest": (("price", "cost", "fare", "fee", "amount"), "min"),
    "priciest": (("price", "cost", "fare", "fee", "amount"), "max"),
    "expensive": (("price", "cost", "fare", "fee", "amount"), "max"),
    "fastest": (("speed",), "max"), "slowest": (("speed",), "min"),
    "hottest": (("temperature", "temp"), "max"), "coldest": (("temperature", "temp"), "min"),
    "busiest": (("attendance", "traffic", "visitor", "volume"), "max"),
    "deadliest": (("fatality", "death", "killed", "casualty", "fatal"), "max"),
    "earliest": (("date", "time", "year", "day"), "min"),
    "latest": (("date", "time", "year", "day"), "max"),
    "newest": (("date", "year", "time"), "max"), "recent": (("date", "year", "time"), "max"),
    "highest": ((), "max"), "largest": ((), "max"), "biggest": ((), "max"),
    "greatest": ((), "max"), "most": ((), "max"), "top": ((), "max"), "best": ((), "max"),
    "maximum": ((), "max"), "max": ((), "max"), "lowest": ((), "min"), "smallest": ((), "min"),
    "least": ((), "min"), "fewest": ((), "min"), "minimum": ((), "min"), "min": ((), "min"),
    "worst": ((), "min"), "bottom": ((), "min"), "strongest": ((), "max"),
    "weakest": ((), "min"),
    # comparatives in "which sex had the higher survival rate" (not followed by "than")
    "higher": ((), "max"), "larger": ((), "max"), "bigger": ((), "max"),
    "greater": ((), "max"), "more": ((), "max"), "lower": ((), "min"), "smaller": ((), "min"),
    "fewer": ((), "min"), "less": ((), "min"),
}
#: "how old is X" -> the column named like age; "how tall", "how long" …
HOW_ADJECTIVES: dict[str, tuple[str, ...]] = {
    "old": ("age",), "tall": ("height",), "long": ("length", "duration"), "heavy": ("weight",),
    "big": ("size", "area"), "large": ("size", "area"), "far": ("distance",),
    "fast": ("speed",), "expensive": ("price", "cost"), "high": ("height", "elevation"),
    "deep": ("depth",), "wide": ("width",), "rich": ("worth", "wealth", "income"),
}
#: quartile and quantile words -> the fraction they stand for
QUARTILES = {"first": 0.25, "lower": 0.25, "second": 0.5, "third": 0.75, "upper": 0.75}
__all__ += ["HOW_ADJECTIVES", "QUARTILES"]

#: comparative adjective -> (column words, operator): "older than 60" -> age > 60
COMPARATIVE_ADJECTIVES: dict[str, tuple[tuple[str, ...], str]] = {
    "older": (("age",), ">"), "younger": (("age",), "<"),
    "richer": (("worth", "wealth", "income"), ">"), "poorer": (("worth", "wealth", "income"), "<"),
    "taller": (("height",), ">"), "heavier": (("weight",), ">"), "lighter": (("weight",), "<"),
    "longer": (("length", "duration"), ">"), "cheaper": (("price", "cost", "fare"), "<"),
    "costlier": (("price", "cost", "fare"), ">"),
}

#: word groups that name the same thing in column names and questions
SYNONYMS: tuple[frozenset[str], ...] = tuple(frozenset(word_list(g)) for g in (
    "sex gender",
    "country nation",
    "worth wealth networth fortune",
    "revenue sales turnover income earnings amount spend spending",
    "price cost fare fee pay paid payment charge",
    "population people inhabitant resident reside",
    "money usd dollar prize salary wage paid earn earns",
    "quantity qty unit",
    "attendance spectator crowd attend",
    "city town municipality",
    "company firm organization organisation employer",
    "birth born birthday dob birthdate",
    "year yr",
    "percent percentage pct",
    "number count no num nbr",
    "average avg mean",
    "employee staff worker",
    "customer client",
    "temperature temp",
    "rating score",
    "profession occupation job",
    "attrition churn churned leaver left quit exited departed resigned",
    "conversion converted convert",
))

#: words for common cell values: "women" finds ``female`` or ``F`` in a sex/gender column
VALUE_ALIASES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("female", "females", "woman", "women", "girl", "girls", "lady", "ladies"),
                    ("female", "f", "woman", "women")),
    **dict.fromkeys(("male", "males", "man", "men", "boy", "boys", "gentleman", "gentlemen"),
                    ("male", "m", "man", "men")),
}
#: column words under which one-letter codes (``F``/``M``) may stand for an alias
CODED_COLUMNS = frozenset({"sex", "gender"})
__all__ += ["VALUE_ALIASES", "CODED_COLUMNS"]

#: column-name abbreviations spelled out (the short form stays a match too)
ABBREVIATIONS: dict[str, str] = {
    "avg": "average", "no": "number", "num": "number", "nbr": "number", "qty": "quantity",
    "pct": "percent", "perc": "percent", "amt": "amount", "yr": "year", "dt": "date",
    "dob": "birth", "pop": "population", "temp": "temperature", "rev": "revenue",
    "dept": "department", "cust": "customer", "prod": "product", "desc": "description",
    "cnt": "count", "tot": "total", "apps": "appearances", "pts": "points", "addr": "address",
    "emp": "employee", "mgr": "manager", "sal": "salary", "vol": "volume", "wt": "weight",
    "ht": "height", "dur": "duration", "cat": "category", "gdp": "gdp", "pos": "position",
    "mo": "month", "dy": "day", "hr": "hour", "wk": "week", "qtr": "quarter", "st": "state",
}

#: US states by name, for columns that hold their two-letter codes ("Texas" finds ``TX``)
US_STATES: dict[str, str] = dict(zip(
    [name.replace("_", " ") for name in word_list(
        "alabama alaska arizona arkansas california colorado connecticut delaware florida "
        "georgia hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland "
        "massachusetts michigan minnesota mississippi missouri montana nebraska nevada "
        "new_hampshire new_jersey new_mexico new_york north_carolina north_dakota ohio oklahoma "
        "oregon pennsylvania rhode_island south_carolina south_dakota tennessee texas utah "
        "vermont virginia washington west_virginia wisconsin wyoming")],
    word_list("al ak az ar ca co ct de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne "
              "nv nh nj nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy"), strict=True))
__all__ += ["US_STATES"]

#: column-name words that only qualify the main word ("Avg. Attendance", "Prize money USD")
MODIFIER_TOKENS = frozenset(word_list(
    "avg average total number no num of the a an in per by to and usd eur gbp pct percent "
    "count mean sum est estimated approx km m cm mm kg g lb lbs mi ft sq km2 m2 mph kmh hrs "
    "hr sec secs ml usd$ million millions thousand thousands bn"))

STOPWORDS = frozenset(word_list(
    "a an the of in on at to for from by with and or is are was were be been being do does did "
    "has have had that this these those which who whom whose what there their its it they them "
    "as than then any all each every some me please show tell give find list get what's "
    "how much many much i we you our your my can could would should will shall may might "
    "dataset data table rows row records record entries entry values column columns "
    "field variable variables"))

#: verbs of questions that carry no condition ("calculate", "belong", "happen")
COMMON_VERBS = frozenset(word_list(
    "calculate compute find tell report give show list name get make made belong belongs "
    "come came comes happen happened occur occurred occurs play played plays pay paid take "
    "took taken use used using have having had does done value values number numbers "
    "determine identify return provide display print "
    "answer question based dataset table column columns data entries entry records rows row "
    "then also there where when which what whose whom while each every"))
__all__ += ["COMMON_VERBS"]

NEGATIONS = frozenset({"not", "non", "no", "never", "without", "neither", "nor", "none"})
YES_NO_STARTS = frozenset(word_list(
    "is are was were did does do has have had can could will would should"))
#: words meaning "one row each" when counted
GENERIC_ROWS = frozenset(word_list(
    "row rows record records entry entries observation observations item items sample samples "
    "line lines case cases instance instances data point points"))
#: measures that are averaged, not added, when grouped ("which class has the highest fare")
INTENSIVE = frozenset(word_list(
    "age price fare rate ratio score percent percentage pct share density temperature temp "
    "rank rating average avg mean median speed height weight probability pcn index "
    "satisfaction happiness quality margin nps csat sentiment grade stars"))
RANK_NAMES = frozenset({"rank", "ranking", "position", "place", "pos", "seed", "standing"})
#: measures of which less is better: their "best" is the smallest value, their "worst" the
#: largest ("the worst mortality rate", "the best lap time")
LESS_IS_BETTER = frozenset(word_list(
    "mortality death deaths dead died fatalities casualties injuries injured cost costs loss "
    "losses lost defeats error errors crime crimes unemployment debt delay delays complaints "
    "churn bounce penalty penalties fouls conceded against emissions pollution poverty time "
    "duration latency"))
SUMMARY_LABELS = frozenset({"total", "totals", "grand total", "sum", "overall", "all"})
TIME_UNITS = {"hour": "H", "hourly": "H", "day": "D", "daily": "D", "week": "W", "weekly": "W",
              "month": "M",
              "monthly": "M", "quarter": "Q", "quarterly": "Q", "year": "Y", "yearly": "Y",
              "annual": "Y", "annually": "Y"}

#: single cue words (not columns unless quoted): used to keep them out of column matching
CUE_WORDS = frozenset(word_list(
    "average mean avg total sum maximum max minimum min median highest lowest largest smallest "
    "most least top bottom count number how many much unique distinct missing null outlier "
    "outliers correlation percentage percent proportion share distribution trend which what "
    "who list name show rate"))


def phrases(table: dict[tuple[str, ...], str]) -> list[tuple[tuple[str, ...], str]]:
    """Entries of a phrase table, longest phrase first (so the longest match wins)."""
    return sorted(table.items(), key=lambda item: -len(item[0]))
