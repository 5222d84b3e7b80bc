-- builds a scenario but forgets to return it
blis.scenario{ model = { name = "foo" } }
