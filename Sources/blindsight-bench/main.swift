// The benchmark tool; each issue adds its benchmark as a subcommand.
print("blindsight-bench: no benchmarks yet")
