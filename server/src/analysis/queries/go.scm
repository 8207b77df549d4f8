; Port Range Lens — Go detection patterns.
; Capture names follow the one contract of queries/README.md (core/captures.ts).

; 1. unix/syscall Setsockopt*/Getsockopt* (and look-alike wrappers in other packages).
((call_expression
   function: (selector_expression
     operand: (identifier) @sockopt.package
     field: (field_identifier) @sockopt.name) @sockopt.callee
   arguments: (argument_list) @sockopt.args) @sockopt
 (#match? @sockopt.name "^(Setsockopt|Getsockopt)(Int|String|Byte|Bytes)?$"))

; 2. A package-local function named like setsockopt with the same argument shape (fd, level, opt, value).
((call_expression
   function: (identifier) @sockopt.name @sockopt.callee
   arguments: (argument_list) @sockopt.args) @sockopt
 (#match? @sockopt.name "^[A-Za-z0-9]*[sS]etsockopt(Int)?$|^[A-Za-z0-9]*[gG]etsockopt(Int)?$"))

; 2b. A method or function-valued field named like setsockopt (s.setsockopt(ctx, fd, ...), c.ops.setsockopt(...)).
((call_expression
   function: (selector_expression
     field: (field_identifier) @sockopt.name) @sockopt.callee
   arguments: (argument_list) @sockopt.args) @sockopt
 (#match? @sockopt.name "^([a-z][A-Za-z0-9_]*)?[sS]etsockopt$|^([a-z][A-Za-z0-9_]*)?[gG]etsockopt$"))

; 3. Raw-fd socket operations: unix.Socket/Bind/Connect/Listen/Sendto(fd, ...).
((call_expression
   function: (selector_expression
     operand: (identifier) @sockop.package
     field: (field_identifier) @sockop.name)
   arguments: (argument_list) @sockop.args) @sockop
 (#match? @sockop.package "^(unix|syscall)$")
 (#match? @sockop.name "^(Socket|Bind|Connect|Listen|Sendto|Sendmsg|SendmsgN)$"))

; 4. net.Dialer / net.ListenConfig values whose Control hook sets socket options.
((composite_literal
   type: (qualified_type
     package: (package_identifier) @config.package
     name: (type_identifier) @config.type)
   body: (literal_value) @config.body) @config
 (#eq? @config.package "net")
 (#match? @config.type "^(Dialer|ListenConfig)$"))

; 5. Method calls that use a Dialer/ListenConfig or a RawConn: d.Dial(...), lc.Listen(...), rc.Control(...).
((call_expression
   function: (selector_expression
     operand: (_) @sockuse.receiver
     field: (field_identifier) @sockuse.name)
   arguments: (argument_list) @sockuse.args) @sockuse
 (#match? @sockuse.name "^(Dial|DialContext|Listen|ListenPacket|Control|SyscallConn)$"))

; 5b. Names assigned (=, op=, ++, --) or address-taken anywhere: a package-level var of that
; name, or a local var whose address escapes, is never statically known.
(assignment_statement left: (expression_list (identifier) @write.assigned))
(inc_statement (identifier) @write.assigned)
(dec_statement (identifier) @write.assigned)
(unary_expression operator: "&" operand: (identifier) @write.addressed)

; 6. Function declarations: candidate helpers that forward lo/hi to setsockopt.
(function_declaration
  name: (identifier) @function.name
  parameters: (parameter_list) @function.params
  body: (block) @function.body) @function

; 7. Calls to a named function: candidate helper call sites.
(call_expression
  function: [(identifier) (selector_expression)] @helper.callee
  arguments: (argument_list) @helper.args) @helper
