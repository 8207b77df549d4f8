// SYNTAX TEST "source.go" "MUST FAIL: a sysctl name in a comment is prose, not a sysctl scope"
// test/syntaxes/grammar.test.ts runs this file and expects vscode-tmgrammar-test to reject it.
package lens

// see net.ipv4.ip_local_port_range
//     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ constant.other.sysctl.port-range-lens
