select line from boilerplate_lines where source = $source;
