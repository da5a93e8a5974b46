import Backprop
import BackpropService
import HTTPServer

print("backpropd: not yet built")
