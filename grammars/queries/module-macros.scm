; Macro invocations written as statements, such as `module_init(hello_init);` or
; `MODULE_LICENSE("GPL");`. At file scope the C grammar sees them as calls; only their names
; say which are module macros, so the library filters by name and drops those inside function bodies.
(expression_statement
  (call_expression
    function: (identifier) @name
    arguments: (argument_list) @arguments)) @statement
