from cubakg.cli import program

if __name__ == "__main__":  # not when a spawned process imports it as __mp_main__
    program()
