using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

/// <summary>
/// An operation's request body: JSON, template, form and multipart fields, files and binary content, as the request
/// builder sets them.
/// </summary>
internal sealed partial class ConnectorEmitter
{
    private void EmitBody(SourceWriter writer, OperationSpec operation)
    {
        if (operation.Body is not { } body)
        {
            return;
        }

        var bodyFields = operation.Parameters.Where(p => p.Location == ParameterLocation.Body).ToList();
        switch (body.Kind)
        {
            case BodyKind.JsonFields:
                foreach (var field in bodyFields)
                {
                    if (field.Constant is { } constant)
                    {
                        var literal = ConstantDefault(field.Type, constant);
                        var constantType = literal is null ? TypeRef.String : field.Type.AsNullable(false);
                        writer.Line(
                            "__request.JsonField("
                                + Literals.String(field.Name)
                                + ", "
                                + (literal ?? Literals.String(constant))
                                + ", "
                                + TypeInfoOf(constantType)
                                + ");"
                        );
                    }
                    else if (field.Required || field.Default is not null && ConstantDefault(field.Type, field.Default) is not null)
                    {
                        writer.Line(
                            "__request.JsonField("
                                + Literals.String(field.Name)
                                + ", "
                                + field.Identifier
                                + ", "
                                + TypeInfoOf(field.Type)
                                + ");"
                        );
                    }
                    else
                    {
                        writer.Line(
                            "if ("
                                + field.Identifier
                                + " is not null) __request.JsonField("
                                + Literals.String(field.Name)
                                + ", "
                                + field.Identifier
                                + ", "
                                + InputTypeInfo(field.Type, guarded: true)
                                + ");"
                        );
                    }
                }

                break;
            case BodyKind.Template:
                var entries = bodyFields.Select(f =>
                    "[" + Literals.String(f.Name) + "] = " + (f.Constant is { } c ? Literals.String(c) : f.Identifier)
                );
                writer.Line(
                    "__request.TemplateBody("
                        + Literals.String(body.ContentType)
                        + ", "
                        + TemplateField(operation)
                        + ", new global::System.Collections.Generic.Dictionary<string, object?>(global::System.StringComparer.Ordinal)"
                );
                writer.Line("{");
                foreach (var entry in entries)
                {
                    writer.Line("    " + entry + ",");
                }

                writer.Line("}, " + JsonOptions + ");");
                break;
            case BodyKind.Json:
                WriteIfPresent(writer, body, JsonBody(body));
                break;
            case BodyKind.Binary:
                WriteIfPresent(
                    writer,
                    body,
                    "__request.RawBody(global::TypedConnectors.ConnectorContent.Stream("
                        + body.Identifier
                        + ", "
                        + Literals.String(body.ContentType)
                        + "));"
                );
                break;
            case BodyKind.Text:
                WriteIfPresent(
                    writer,
                    body,
                    "__request.RawBody(global::TypedConnectors.ConnectorContent.Text("
                        + body.Identifier
                        + ", "
                        + Literals.String(body.ContentType)
                        + "));"
                );
                break;
            case BodyKind.Form:
            case BodyKind.Multipart:
                EmitFormBody(writer, body);
                break;
        }
    }

    private static void WriteIfPresent(SourceWriter writer, BodySpec body, string statement)
    {
        writer.Line(body.Required ? statement : "if (" + body.Identifier + " is not null) " + statement);
    }

    private void EmitFormBody(SourceWriter writer, BodySpec body)
    {
        if (body.Identifier.Length == 0)
        {
            return;
        }

        var multipart = body.Kind == BodyKind.Multipart;
        if (body.Type is not { } type || _types.Find(type) is not { Kind: TypeSpecKind.Object } model)
        {
            WriteIfPresent(writer, body, JsonBody(body));
            return;
        }

        var target = body.Required ? body.Identifier : "__body";
        if (!body.Required)
        {
            writer.Open("if (" + body.Identifier + " is { } __body)");
        }

        // A required body is sent even when every field is left out: an empty form, not no body.
        writer.Line(multipart ? "__request.MultipartBody();" : "__request.FormBody();");

        foreach (var property in AllProperties(model))
        {
            var access = target + "." + property.Identifier;
            var name = Literals.String(property.JsonName);
            if (property.Type.Kind == TypeKind.Stream)
            {
                var file = "__file" + Identifier.Bare(property.Identifier);
                writer.Line("if (" + access + " is { } " + file + ") " + FileCall(multipart, name, file));
                continue;
            }

            var wire = OptionalWire(access, property.Type, "__v" + Identifier.Bare(property.Identifier));
            writer.Line((multipart ? "__request.MultipartField(" : "__request.FormField(") + name + ", " + wire + ");");
        }

        if (!body.Required)
        {
            writer.Close();
        }
    }

    /// <summary>
    /// The statement that adds a file: a multipart part (the field name as its file name), or a form field whose value
    /// is the file's bytes.
    /// </summary>
    private static string FileCall(bool multipart, string name, string stream) =>
        multipart
            ? "__request.MultipartFile(" + name + ", " + stream + ", " + name + ");"
            : "__request.FormFile(" + name + ", " + stream + ");";
}
