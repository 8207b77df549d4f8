; Detection patterns for C (tree-sitter-c). Macros, enums, structs and typedefs are read by the
; C-family lowering (languages/cfamily/lower.ts with lang 'c') from the tree itself.
; Capture names follow the one contract of queries/README.md (core/captures.ts).

; setsockopt/getsockopt and any wrapper whose name ends in setsockopt/getsockopt
; (zsock_setsockopt, my_setsockopt, ...). core/sites.ts keeps the ones with the argument shape
; (fd, level, optname, optval, optlen), possibly after one leading context argument, and
; IP_LOCAL_PORT_RANGE (or 51) as optname.
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
