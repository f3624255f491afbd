from wushe.cli.main import run

run()
