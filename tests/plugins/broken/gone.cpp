// The dependency that missing_dep needs and will not find at run time.
int gone_value() { return 7; }
