; Every identifier, and the roles that tell a use from a declaration. An identifier captured as
; @name.reference only is a use; one also captured as @name.declaration declares a name (local or
; file scope); identifiers inside preprocessor conditions and macro names are @name.preprocessor.
(identifier) @name.reference

(declaration declarator: (identifier) @name.declaration)
(init_declarator declarator: (identifier) @name.declaration)
(pointer_declarator declarator: (identifier) @name.declaration)
(array_declarator declarator: (identifier) @name.declaration)
(function_declarator declarator: (identifier) @name.declaration)
(parameter_declaration declarator: (identifier) @name.declaration)
(enumerator name: (identifier) @name.declaration)
(attributed_declarator (identifier) @name.declaration)

(call_expression function: (identifier) @name.callee)

(preproc_ifdef name: (identifier) @name.preprocessor)
(preproc_def name: (identifier) @name.preprocessor)
(preproc_function_def name: (identifier) @name.preprocessor)
(preproc_params (identifier) @name.preprocessor)
(preproc_if condition: (_) @name.preprocessor.scope)
(preproc_elif condition: (_) @name.preprocessor.scope)
(enumerator name: (identifier) @name.enumerator)

; Argument lists of calls: a name inside one may be a macro's argument (a member, a type).
(call_expression arguments: (argument_list) @name.call.arguments)

; Parameters: names local to the function body that follows them.
(parameter_declaration declarator: (_) @name.parameter)
