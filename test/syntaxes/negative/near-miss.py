# SYNTAX TEST "source.python" "MUST FAIL: a near-miss identifier is not an option name"
# test/syntaxes/grammar.test.ts runs this file and expects vscode-tmgrammar-test to reject it.
x = MY_IP_LOCAL_PORT_RANGE_X
#   ^^^^^^^^^^^^^^^^^^^^^^^^ support.constant.sockopt.port-range-lens
