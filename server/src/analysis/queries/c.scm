; Detection patterns for C and C++ (C++ files use these rules where they parse).
; Capture names follow the one contract of queries/README.md (core/captures.ts).

; setsockopt/getsockopt and any wrapper whose name ends in setsockopt/getsockopt
; (zsock_setsockopt, my_setsockopt, ...). c.ts keeps the ones with the same argument shape
; (fd, level, optname, optval, optlen) and IP_LOCAL_PORT_RANGE (or 51) as optname.
((call_expression
   function: (identifier) @sockopt.name @sockopt.callee
   arguments: (argument_list) @sockopt.args) @sockopt
 (#match? @sockopt.name "([sg]etsockopt|[sg]et_sock_opt)$"))
; ... also called through a struct member (ops->setsockopt(fd, level, optname, optval, optlen)).
((call_expression
   function: (field_expression field: (field_identifier) @sockopt.name) @sockopt.callee
   arguments: (argument_list) @sockopt.args) @sockopt
 (#match? @sockopt.name "([sg]etsockopt|[sg]et_sock_opt)$"))

; Operations on sockets that the socket context records (same function, same fd).
((call_expression
   function: (identifier) @sockop.name @sockop.callee
   arguments: (argument_list) @sockop.args) @sockop
 (#match? @sockop.name "^(zsock_)?(socket|bind|connect|listen|sendto|sendmsg|send)$"))

; Object-like and function-like macros (values, fallback #define IP_LOCAL_PORT_RANGE).
(preproc_def
  name: (identifier) @macro.name) @macro
(preproc_function_def
  name: (identifier) @fmacro.name
  parameters: (preproc_params) @fmacro.params) @fmacro

; Enumerations, struct layouts and typedefs (sizeof, field order of {u16 lo, hi}).
(enumerator_list) @enums
(struct_specifier
  name: (type_identifier) @struct.name
  body: (field_declaration_list) @struct.body) @struct
(type_definition) @typedef
