; Port Range Lens — C++ detection patterns (tree-sitter-cpp; C files keep c.scm).
; Capture names follow the one contract of queries/README.md (core/captures.ts).
; languages/cfamily/ keeps a `sockopt` match as a call only with the (fd, level, optname, optval,
; optlen) shape; a project function of the same name with its own arity is a helper.

; 1. setsockopt(...), ::setsockopt(...), zsock_setsockopt(...), ns::setsockopt(...), setsockopt<T>(...),
;    folly::netops::setsockopt(...) (a nested namespace path, folly/net/NetOps.h).
((call_expression
   function: [
     (identifier) @sockopt.name
     (qualified_identifier name: (identifier) @sockopt.name)
     (qualified_identifier name: (qualified_identifier name: (identifier) @sockopt.name))
     (qualified_identifier name: (qualified_identifier name: (qualified_identifier name: (identifier) @sockopt.name)))
     (qualified_identifier name: (template_function name: (identifier) @sockopt.name))
     (template_function name: (identifier) @sockopt.name)
   ] @sockopt.callee
   arguments: (argument_list) @sockopt.args) @sockopt
 (#match? @sockopt.name "[sg]etsockopt$"))

; 2. Through an object or a function-pointer member: ops->setsockopt(...), sock.setsockopt(...).
((call_expression
   function: (field_expression
     argument: (_) @sockopt.receiver
     field: (field_identifier) @sockopt.name) @sockopt.callee
   arguments: (argument_list) @sockopt.args) @sockopt
 (#match? @sockopt.name "[sg]etsockopt$"))

; 3. Socket operations for the socket context (same function, same fd).
((call_expression
   function: [
     (identifier) @sockop.name
     (qualified_identifier name: (identifier) @sockop.name)
   ] @sockop.callee
   arguments: (argument_list) @sockop.args) @sockop
 (#match? @sockop.name "^(socket|bind|connect|listen|sendto|sendmsg|send)$"))
