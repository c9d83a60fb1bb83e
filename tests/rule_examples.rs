//! Every rule's `[[rule.examples]]`, from the embedded rule files, each run with that rule
//! alone. All failures are reported at once, with rule id and file:line.

#[test]
fn every_rule_example_holds() {
    let rules = clean::load(&clean::embedded_sources()).expect("embedded rules load");
    let (run, failures) = rules.check_examples();
    let report: Vec<String> = failures
        .iter()
        .map(|f| {
            format!(
                "{} {} ({}):\n  expected {:?}\n  got      {:?}",
                f.pos, f.rule, f.status, f.expected, f.actual
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {run} examples failed:\n{}",
        failures.len(),
        report.join("\n")
    );
    assert!(run > 0);
}

#[test]
fn every_shipped_rule_has_a_removing_and_a_keeping_example() {
    let rules = clean::load(&clean::embedded_sources()).unwrap();
    for r in rules.rules() {
        let removes = r.examples.iter().any(|e| e.input != e.output);
        let keeps = r.examples.iter().any(|e| e.input == e.output);
        assert!(
            removes && keeps,
            "{} ({}:{}) needs an example that removes noise and one that keeps a look-alike",
            r.id,
            r.file,
            r.line
        );
    }
}
