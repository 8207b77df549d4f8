; Port Range Lens — Python detection patterns.
; Capture names: @call is the whole call; @callee the function expression; @receiver the
; object a method is called on; @method the method/function name; @args the argument list.

; 1. setsockopt/getsockopt on any receiver, also prefixed wrappers such as sock._setsockopt.
((call
   function: (attribute
     object: (_) @receiver
     attribute: (identifier) @method) @callee
   arguments: (argument_list) @args) @sockopt.call
 (#match? @method "^(_*[A-Za-z0-9]*_)?(set|get)sockopt$"))

; 2. A bare function named like setsockopt with the same argument shape (fd, level, opt, ...).
((call
   function: (identifier) @method @callee
   arguments: (argument_list) @args) @sockopt.call
 (#match? @method "^(_*[A-Za-z0-9]*_)?(set|get)sockopt$"))

; 3. Socket operations on a named receiver, for the socket context (bind/connect/...).
((call
   function: (attribute
     object: (_) @receiver
     attribute: (identifier) @method)
   arguments: (argument_list) @args) @socket.op
 (#match? @method "^(bind|connect|connect_ex|listen|sendto|sendmsg|send|accept)$"))

; 4. Socket creation assigned to a name: s = socket.socket(...), s = socket(...), create_connection.
((assignment
   left: (_) @receiver
   right: (call
     function: (_) @callee
     arguments: (argument_list) @args) @socket.create)
 (#match? @callee "(^|\\.)(socket|create_connection|create_server)$"))

; 5. with socket.socket(...) as s:
((with_item
   value: (as_pattern
     (call
       function: (_) @callee
       arguments: (argument_list) @args) @socket.create
     alias: (as_pattern_target (_) @receiver)))
 (#match? @callee "(^|\\.)(socket|create_connection|create_server)$"))

; 5b. Names declared global/nonlocal somewhere: their values are never statically known.
(global_statement (identifier) @poison)
(nonlocal_statement (identifier) @poison)

; 6. Function definitions: candidate helpers that forward lo/hi to setsockopt.
(function_definition
  name: (identifier) @name
  parameters: (parameters) @params
  body: (block) @body) @function

; 7. Calls to a named function or method: candidate helper call sites.
(call
  function: [(identifier) (attribute)] @callee
  arguments: (argument_list) @args) @helper.call
