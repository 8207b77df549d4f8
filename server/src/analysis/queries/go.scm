; Port Range Lens — Go detection patterns.
; Capture names: @call is the whole call; @callee the function expression; @pkg the package
; (or receiver) a function is selected from; @method the function name; @args the argument list.

; 1. unix/syscall Setsockopt*/Getsockopt* (and look-alike wrappers in other packages).
((call_expression
   function: (selector_expression
     operand: (identifier) @pkg
     field: (field_identifier) @method) @callee
   arguments: (argument_list) @args) @sockopt.call
 (#match? @method "^(Setsockopt|Getsockopt)(Int|String|Byte|Bytes)?$"))

; 2. A package-local function named like setsockopt with the same argument shape (fd, level, opt, value).
((call_expression
   function: (identifier) @method @callee
   arguments: (argument_list) @args) @sockopt.call
 (#match? @method "^[A-Za-z0-9]*[sS]etsockopt(Int)?$|^[A-Za-z0-9]*[gG]etsockopt(Int)?$"))

; 3. Raw-fd socket operations: unix.Socket/Bind/Connect/Listen/Sendto(fd, ...).
((call_expression
   function: (selector_expression
     operand: (identifier) @pkg
     field: (field_identifier) @method)
   arguments: (argument_list) @args) @socket.op
 (#match? @pkg "^(unix|syscall)$")
 (#match? @method "^(Socket|Bind|Connect|Listen|Sendto|Sendmsg|SendmsgN)$"))

; 4. net.Dialer / net.ListenConfig values whose Control hook sets socket options.
((composite_literal
   type: (qualified_type
     package: (package_identifier) @pkg
     name: (type_identifier) @type)
   body: (literal_value) @body) @socket.config
 (#eq? @pkg "net")
 (#match? @type "^(Dialer|ListenConfig)$"))

; 5. Method calls that use a Dialer/ListenConfig or a RawConn: d.Dial(...), lc.Listen(...), rc.Control(...).
((call_expression
   function: (selector_expression
     operand: (_) @receiver
     field: (field_identifier) @method)
   arguments: (argument_list) @args) @socket.use
 (#match? @method "^(Dial|DialContext|Listen|ListenPacket|Control|SyscallConn)$"))

; 5b. Names assigned (=, op=, ++, --) or address-taken anywhere: a package-level var of that
; name, or a local var whose address escapes, is never statically known.
(assignment_statement left: (expression_list (identifier) @assigned))
(inc_statement (identifier) @assigned)
(dec_statement (identifier) @assigned)
(unary_expression operator: "&" operand: (identifier) @addressed)

; 6. Function declarations: candidate helpers that forward lo/hi to setsockopt.
(function_declaration
  name: (identifier) @name
  parameters: (parameter_list) @params
  body: (block) @body) @function

; 7. Calls to a named function: candidate helper call sites.
(call_expression
  function: [(identifier) (selector_expression)] @callee
  arguments: (argument_list) @args) @helper.call
