// SYNTAX TEST "source.c" "MUST FAIL: IP_LOCAL_PORT_RANGE is an option name, not a level"
// test/syntaxes/grammar.test.ts runs this file and expects vscode-tmgrammar-test to reject it.
int r = setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);
//                             ^^^^^^^^^^^^^^^^^^^ support.constant.level.port-range-lens
