"""The names analysis code may use: pandas/NumPy members, methods and reducer strings.

Every list is an allowlist written out by hand, so a pandas or NumPy release that adds a
method does not widen the sandbox until someone reviews it. I/O (``to_csv``, ``read_*``,
``tofile``), templating (``style``), plotting (which imports a backend by name),
interpreter internals, ``.base`` (the writable array behind a read-only view, such as a
Categorical's codes, which pandas then indexes without bounds checks) and ``.asi8`` (a
writable view of an Index's own data) are absent on purpose.
"""

from __future__ import annotations

__all__ = [
    "CLASS_ATTRS",
    "DISPATCH_METHODS",
    "IMPORTABLE",
    "NUMPY_FUNCTIONS",
    "NUMPY_LINALG",
    "NUMPY_RANDOM",
    "OBJECT_ATTRS",
    "PANDAS_FUNCTIONS",
    "PANDAS_OFFSETS",
    "PANDAS_TYPES_API",
    "REDUCERS",
    "WRITABLE_ATTRS",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Methods and properties of pandas / NumPy objects (frames, series, indexes, group-bys,
#: windows, accessors, scalars, arrays, random generators).
OBJECT_ATTRS = _words("""
    T abs add add_categories add_prefix add_suffix agg aggregate align all any append apply
    argmax argmin argpartition argsort array as_integer_ratio as_ordered as_unit as_unordered
    asfreq asm8 asof asof_locs assign astimezone astype at at_time autocorr axes
    between between_time bfill capitalize case_when casefold cat categories ceil
    center check_for_ordered choose clip closed closed_left closed_right codes columns combine
    combine_first compare components compress conj conjugate contains convert_dtypes copy corr
    corrwith count cov ctime cumcount cummax cummin cumprod cumsum date day day_name
    day_of_week day_of_year dayofweek dayofyear days days_in_month daysinmonth decode delete
    describe diagonal diff difference div divide divmod dot drop drop_duplicates droplevel
    dropna dst dt dtype dtypes empty encode end_time endswith eq equal_levels equals eval ewm
    expanding explode extract extractall factorize ffill fill fillna filter find findall first
    first_valid_index flat flatten floor floordiv fold freq freqstr fullmatch ge get
    get_dummies get_group get_indexer get_indexer_for get_level_values get_loc groupby groups
    gt has_duplicates hasnans head hour iat idxmax idxmin iloc imag index infer_objects
    inferred_freq inferred_type insert interpolate intersection is_integer is_leap_year
    is_monotonic_decreasing is_monotonic_increasing is_month_end is_month_start is_normalized
    is_quarter_end is_quarter_start is_unique is_year_end is_year_start isalnum isalpha
    isascii isdecimal isdigit isin islower isna isnull isnumeric isocalendar isoformat
    isoweekday isspace istitle isupper item items itemsize iterrows itertuples join keys kurt
    kurtosis le left len length level levels levshape ljust loc lower lstrip lt map mask match
    max mean median melt memory_usage merge microsecond microseconds mid min minute mod mode
    month month_name mul multiply name names nanosecond nanoseconds nbytes ndim ne nlargest
    nlevels normalize notna notnull nsmallest nth nunique ohlc open_left open_right ordered
    ordinal overlaps pad partition pct_change pipe pivot pivot_table pop pow prod product
    quantile quarter query qyear radd rank ravel rdiv real reindex reindex_like
    remove_categories remove_unused_categories remove_unused_levels removeprefix removesuffix
    rename rename_axis rename_categories reorder_categories reorder_levels repeat replace
    resample reset_index reshape resolution rfind rfloordiv right rjust rmod rmul rolling round
    rpartition rpow rsplit rstrip rsub rtruediv sample searchsorted second seconds select_dtypes
    sem set_axis set_categories set_index set_names set_ordered shape shift size skew slice
    slice_replace sort sort_index sort_values sortlevel split squeeze stack start_time
    startswith std str strftime strides strip sub subtract sum swapaxes swapcase swaplevel
    symmetric_difference tail take time timestamp title to_datetime64 to_dict to_flat_index
    to_frame to_julian_date to_list to_numpy to_period to_pydatetime to_pytimedelta
    to_records to_series to_timedelta64 to_timestamp tolist total_seconds trace transform
    translate transpose truediv truncate tz tz_convert tz_localize tzname union unique unit
    unstack update upper value value_counts values var view week weekday weekofyear where
    wrap xs year zfill
    accumulate outer reduce reduceat max min bits eps tiny resolution
    beta binomial choice exponential gamma integers lognormal normal permutation permuted
    poisson random shuffle standard_normal uniform
""")

#: Class-level attributes (alternative constructors) of the pandas / NumPy classes offered.
CLASS_ATTRS = _words("""
    from_arrays from_breaks from_codes from_dict from_frame from_product from_records
    from_tuples fromisoformat fromtimestamp now strptime today combine
""")

#: Methods that take a function *or a function name*: their string arguments are checked
#: against REDUCERS, because pandas resolves a name with getattr (df.agg('to_pickle', ...)).
DISPATCH_METHODS = _words("agg aggregate apply transform pipe pivot_table crosstab")

#: Function names that may be passed as strings to agg/apply/transform/aggfunc.
REDUCERS = _words("""
    abs all any bfill count cumcount cummax cummin cumprod cumsum describe diff ffill first
    idxmax idxmin kurt last max mean median min mode ngroup nunique ohlc pct_change prod
    quantile rank sem shift size skew std sum unique value_counts var
""")

#: Attributes that may be assigned on pandas objects (df.columns = [...], s.name = "x").
WRITABLE_ATTRS = _words("columns index name names")

#: pandas members offered as ``pd.<name>``.
PANDAS_FUNCTIONS = _words("""
    ArrowDtype BooleanDtype Categorical CategoricalDtype CategoricalIndex DataFrame DateOffset
    DatetimeIndex DatetimeTZDtype Float64Dtype Grouper Index IndexSlice Int64Dtype Interval
    IntervalIndex MultiIndex NA NaT NamedAgg Period PeriodIndex RangeIndex Series StringDtype
    Timedelta TimedeltaIndex Timestamp array bdate_range concat crosstab cut date_range
    factorize from_dummies get_dummies infer_freq interval_range isna isnull json_normalize
    melt merge merge_asof merge_ordered notna notnull period_range pivot pivot_table qcut
    timedelta_range to_datetime to_numeric to_timedelta unique wide_to_long
""")

#: ``pd.offsets.<name>``.
PANDAS_OFFSETS = _words("""
    BDay BMonthBegin BMonthEnd BQuarterBegin BQuarterEnd BYearBegin BYearEnd BusinessDay
    DateOffset Day Hour Micro Milli Minute MonthBegin MonthEnd QuarterBegin QuarterEnd Second
    Week WeekOfMonth YearBegin YearEnd
""")

#: ``pd.api.types.<name>``.
PANDAS_TYPES_API = _words("""
    is_bool_dtype is_datetime64_any_dtype is_datetime64_dtype is_float_dtype is_integer_dtype
    is_list_like is_number is_numeric_dtype is_object_dtype is_scalar is_string_dtype
    is_timedelta64_dtype
""")

#: NumPy members offered as ``np.<name>``.
NUMPY_FUNCTIONS = _words("""
    abs absolute all allclose any append arange arccos arcsin arctan arctan2 argmax argmin
    argsort around array array_equal asarray average bincount bool bool_ cbrt ceil clip
    column_stack concatenate corrcoef cos cosh count_nonzero cov cumprod cumsum datetime64
    deg2rad degrees diff digitize divide dot dtype e errstate exp expm1 eye fabs finfo
    flatnonzero flip float16 float32 float64 floating floor floor_divide fmax fmin full
    full_like gradient greater greater_equal histogram histogram_bin_edges hstack hypot
    identity iinfo inf int8 int16 int32 int64 integer interp intersect1d isclose isfinite isin
    isinf isnan isnat isscalar less less_equal linspace log log10 log1p log2 logical_and
    logical_not logical_or logical_xor max maximum mean median meshgrid min minimum mod
    multiply nan nanargmax nanargmin nancumsum nanmax nanmean nanmedian nanmin nanpercentile
    nanquantile nanstd nansum nanvar ndim negative newaxis nonzero number object_ ones
    ones_like outer percentile pi polyfit polyval power prod ptp quantile rad2deg radians ravel
    reciprocal repeat reshape rint round searchsorted select setdiff1d shape sign sin sinh
    size sort sqrt square squeeze stack std str_ subtract sum take tan tanh tile timedelta64
    transpose tril triu trunc uint8 uint16 uint32 uint64 union1d unique var vstack where zeros
    zeros_like
""")

#: ``np.random.<name>`` and ``np.linalg.<name>``.
NUMPY_RANDOM = _words("choice default_rng normal permutation rand randint randn random seed "
                      "shuffle uniform")
NUMPY_LINALG = _words("cholesky det eig eigh eigvals inv lstsq matrix_rank norm pinv qr "
                      "solve svd")

#: Modules an ``import`` statement may name; each binds a façade, never the module.
IMPORTABLE = _words("pandas numpy math datetime collections")
