; Port Range Lens — Rust detection patterns.
; Capture names follow the one contract of queries/README.md (core/captures.ts).
; The Rust lowering (languages/rust/) keeps a `sockopt` match only when the argument shape is
; (fd, level, optname, optval, optlen); the option is decided by the evaluator, never the name.

; 1. libc::setsockopt(...), setsockopt(...), nix::sys::socket::setsockopt(...), any *setsockopt.
((call_expression
   function: [
     (identifier) @sockopt.name
     (scoped_identifier name: (identifier) @sockopt.name)
     (generic_function function: (scoped_identifier name: (identifier) @sockopt.name))
   ] @sockopt.callee
   arguments: (arguments) @sockopt.args) @sockopt
 (#match? @sockopt.name "[sg]etsockopt$"))

; 2. Method form: conn.setsockopt(...), self.ops.setsockopt(...).
((call_expression
   function: (field_expression
     value: (_) @sockopt.receiver
     field: (field_identifier) @sockopt.name) @sockopt.callee
   arguments: (arguments) @sockopt.args) @sockopt
 (#match? @sockopt.name "[sg]etsockopt$"))

; 3. Socket operations for the socket context: libc::bind(fd, ..), sock.bind(addr), sock.connect(..),
;    TcpSocket::new_v4(), Socket::new(Domain::IPV4, Type::STREAM, None).
((call_expression
   function: [
     (identifier) @sockop.name
     (scoped_identifier name: (identifier) @sockop.name)
     (field_expression field: (field_identifier) @sockop.name)
   ] @sockop.callee
   arguments: (arguments) @sockop.args) @sockop
 (#match? @sockop.name "^(socket|bind|connect|listen|sendto|new_v4|new_v6)$"))
((call_expression
   function: (scoped_identifier
     path: (_) @sockop.package
     name: (identifier) @sockop.name) @sockop.callee
   arguments: (arguments) @sockop.args) @sockop
 (#match? @sockop.package "(^|::)(Socket|TcpSocket|UdpSocket|TcpStream|TcpListener)$")
 (#eq? @sockop.name "new"))
