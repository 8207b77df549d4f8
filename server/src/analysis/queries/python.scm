; Port Range Lens — Python detection patterns.
; Capture names follow the one contract of queries/README.md (core/captures.ts).

; 1. setsockopt/getsockopt on any receiver, also prefixed wrappers such as sock._setsockopt.
((call
   function: (attribute
     object: (_) @sockopt.receiver
     attribute: (identifier) @sockopt.name) @sockopt.callee
   arguments: (argument_list) @sockopt.args) @sockopt
 (#match? @sockopt.name "^(_*[A-Za-z0-9]*_)?(set|get)sockopt$"))

; 2. A bare function named like setsockopt with the same argument shape (fd, level, opt, ...).
((call
   function: (identifier) @sockopt.name @sockopt.callee
   arguments: (argument_list) @sockopt.args) @sockopt
 (#match? @sockopt.name "^(_*[A-Za-z0-9]*_)?(set|get)sockopt$"))

; 3. Socket operations on a named receiver, for the socket context (bind/connect/...).
((call
   function: (attribute
     object: (_) @sockop.receiver
     attribute: (identifier) @sockop.name)
   arguments: (argument_list) @sockop.args) @sockop
 (#match? @sockop.name "^(bind|connect|connect_ex|listen|sendto|sendmsg|send|accept)$"))

; 4. Socket creation assigned to a name: s = socket.socket(...), s = socket(...), create_connection.
((assignment
   left: (_) @sockcreate.target
   right: (call
     function: (_) @sockcreate.callee
     arguments: (argument_list) @sockcreate.args) @sockcreate)
 (#match? @sockcreate.callee "(^|\\.)(socket|create_connection|create_server)$"))

; 5. with socket.socket(...) as s:
((with_item
   value: (as_pattern
     (call
       function: (_) @sockcreate.callee
       arguments: (argument_list) @sockcreate.args) @sockcreate
     alias: (as_pattern_target (_) @sockcreate.target)))
 (#match? @sockcreate.callee "(^|\\.)(socket|create_connection|create_server)$"))

; 5b. Names declared global/nonlocal somewhere: their values are never statically known.
(global_statement (identifier) @write.global)
(nonlocal_statement (identifier) @write.global)

; 6. Function definitions: candidate helpers that forward lo/hi to setsockopt.
(function_definition
  name: (identifier) @function.name
  parameters: (parameters) @function.params
  body: (block) @function.body) @function

; 7. Calls to a named function or method: candidate helper call sites.
(call
  function: [(identifier) (attribute)] @helper.callee
  arguments: (argument_list) @helper.args) @helper
